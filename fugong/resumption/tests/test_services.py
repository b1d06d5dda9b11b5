"""The resumption workflow through its services: every step, and every refusal writes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.resumption import services
from fugong.resumption.models import ApplicationStatus, Recommendation, ResumptionApplication
from fugong.resumption.selectors import EnterpriseStatus, enterprise_status

from .factories import all_met, make_application

pytestmark = pytest.mark.django_db


def actions_for(application) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type="resumption.resumptionapplication", target_id=str(application.pk)
        )
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_whole_loop_from_application_to_resumed(park, today):
    # given an officer's draft
    application = make_application(officer=park.officer, state="draft", planned_date=today)
    assert enterprise_status(park.a) == EnterpriseStatus.DRAFT
    assert application.self_check.count() == application.guide_version.items.count() == 18

    # when it is completed, submitted, verified and approved
    services.application_update(
        actor=park.officer,
        application=application,
        self_check=all_met(application),
        returning_local=90,
        returning_outside=10,
        prevention_plan="方案",
        emergency_plan="预案",
        responsible_person="张三",
        commitment_accepted=True,
    )
    services.application_submit(actor=park.officer, application=application)
    assert enterprise_status(park.a) == EnterpriseStatus.SUBMITTED
    services.application_verify(
        actor=park.liaison,
        application=application,
        checks=all_met(application),
        recommendation=Recommendation.APPROVE,
    )
    assert enterprise_status(park.a) == EnterpriseStatus.VERIFIED
    services.application_approve(actor=park.command, application=application, resumption_date=today)

    # then the enterprise is resumed and every step is on the audit trail
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.verified_by == park.liaison
    assert application.decided_by == park.command
    assert enterprise_status(park.a) == EnterpriseStatus.RESUMED
    assert actions_for(application) == [
        AuditAction.APPLICATION_CREATED,
        AuditAction.APPLICATION_UPDATED,
        AuditAction.APPLICATION_SUBMITTED,
        AuditAction.APPLICATION_VERIFIED,
        AuditAction.APPLICATION_APPROVED,
    ]


def test_approved_with_a_later_date_is_not_yet_resumed(park, today):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="verified"
    )
    services.application_approve(
        actor=park.command, application=application, resumption_date=today + timedelta(days=3)
    )
    assert enterprise_status(park.a) == EnterpriseStatus.APPROVED
    assert enterprise_status(park.a, on=today + timedelta(days=3)) == EnterpriseStatus.RESUMED


def test_returned_application_is_rectified_and_resubmitted(park):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="returned"
    )
    assert application.status == ApplicationStatus.RETURNED
    assert enterprise_status(park.a) == EnterpriseStatus.RETURNED
    item = application.rectification_items.get()
    # Resubmitting without saying what was done is refused.
    with pytest.raises(ApplicationError) as refused:
        services.application_submit(actor=park.officer, application=application)
    assert refused.value.code == "incomplete"
    services.application_update(
        actor=park.officer,
        application=application,
        rectification_responses={item.pk: "已设置观察室"},
    )
    services.application_submit(actor=park.officer, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.round == 2
    assert actions_for(application)[-1] == AuditAction.APPLICATION_RESUBMITTED
    # The second round is verified on its own; the first round's checks are kept.
    services.application_verify(
        actor=park.liaison,
        application=application,
        checks=all_met(application),
        recommendation=Recommendation.APPROVE,
    )
    assert set(application.verification_checks.values_list("round", flat=True)) == {1, 2}


def test_submit_lists_everything_missing(park):
    application = make_application(officer=park.officer, state="draft")
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.application_submit(actor=park.officer, application=application)
    missing = refused.value.fields["__all__"]
    assert len(missing) == 6  # self-check, two plans, headcount, responsible person, commitment
    assert_nothing_written(before)


def test_submitting_twice_is_a_conflict(park):
    application = make_application(officer=park.officer, state="submitted")
    before = database_counts()
    with pytest.raises(ConflictError):
        services.application_submit(actor=park.officer, application=application)
    assert_nothing_written(before)


def test_approving_an_unverified_application_is_refused(park, today):
    application = make_application(officer=park.officer, state="submitted")
    before = database_counts()
    with pytest.raises(ConflictError) as refused:
        services.application_approve(
            actor=park.command, application=application, resumption_date=today
        )
    assert refused.value.status == 409
    assert_nothing_written(before)


def test_approving_twice_is_a_conflict(park, today):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    before = database_counts()
    with pytest.raises(ConflictError):
        services.application_approve(
            actor=park.command, application=application, resumption_date=today
        )
    assert_nothing_written(before)


def test_resumption_date_in_the_past_is_refused(park, today):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="verified"
    )
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.application_approve(
            actor=park.command, application=application, resumption_date=today - timedelta(days=1)
        )
    assert "resumption_date" in refused.value.fields
    assert_nothing_written(before)


def test_liaison_of_another_enterprise_cannot_verify(park):
    application = make_application(officer=park.officer, state="submitted")
    before = database_counts()
    with pytest.raises(NotFoundError):
        services.application_verify(
            actor=park.other_liaison,
            application=application,
            checks=all_met(application),
            recommendation=Recommendation.APPROVE,
        )
    assert_nothing_written(before)


def test_verification_must_check_every_item(park):
    application = make_application(officer=park.officer, state="submitted")
    checks = all_met(application)
    checks.pop(next(iter(checks)))
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        services.application_verify(
            actor=park.liaison, application=application, checks=checks, recommendation="approve"
        )
    assert refused.value.code == "incomplete"
    assert_nothing_written(before)


def test_recommending_a_return_needs_a_summary(park):
    application = make_application(officer=park.officer, state="submitted")
    with pytest.raises(ApplicationError) as refused:
        services.application_verify(
            actor=park.liaison,
            application=application,
            checks=all_met(application, met=False),
            recommendation=Recommendation.RETURN,
        )
    assert "summary" in refused.value.fields


def test_answers_for_items_of_another_guide_version_are_refused(park):
    application = make_application(officer=park.officer, state="draft")
    with pytest.raises(ApplicationError) as refused:
        services.application_update(
            actor=park.officer,
            application=application,
            self_check={999_999: services.ItemAnswer(True, "")},
        )
    assert refused.value.code == "unknown_item"


@pytest.mark.parametrize(
    "role", ["command", "liaison", "inspector", "other_officer", "gate", "district"]
)
def test_only_the_enterprise_officer_can_apply(park, role, today):
    actor = park.users()[role]
    before = database_counts()
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        services.application_create(actor=actor, enterprise=park.a, planned_date=today)
    assert_nothing_written(before)


def test_an_enterprise_applies_once(park, today):
    make_application(officer=park.officer, state="draft")
    before = database_counts()
    with pytest.raises(ConflictError):
        services.application_create(actor=park.officer, enterprise=park.a, planned_date=today)
    assert_nothing_written(before)


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer", "gate", "district"])
def test_only_the_command_post_decides(park, role, today):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="verified"
    )
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.application_approve(
            actor=park.users()[role], application=application, resumption_date=today
        )
    with pytest.raises(PermissionDeniedError):
        services.application_return(
            actor=park.users()[role], application=application, rectification_items=["x"]
        )
    assert_nothing_written(before)


def test_return_needs_at_least_one_item(park):
    application = make_application(officer=park.officer, state="submitted")
    before = database_counts()
    with pytest.raises(ApplicationError):
        services.application_return(
            actor=park.command, application=application, rectification_items=[" "]
        )
    assert_nothing_written(before)


def test_approved_application_can_no_longer_be_edited(park):
    application = make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    before = database_counts()
    with pytest.raises(ConflictError):
        services.application_update(actor=park.officer, application=application, returning_local=1)
    assert_nothing_written(before)


def test_suspension_and_reinstatement(park, today):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    suspension = services.enterprise_suspend(
        actor=park.command, enterprise=park.a, reason="门岗未测温"
    )
    assert enterprise_status(park.a) == EnterpriseStatus.SUSPENDED
    with pytest.raises(ConflictError):
        services.enterprise_suspend(actor=park.command, enterprise=park.a, reason="again")
    tomorrow = today + timedelta(days=1)
    services.enterprise_reinstate(
        actor=park.command, enterprise=park.a, reason="整改到位", ends_on=tomorrow
    )
    suspension.refresh_from_db()
    assert suspension.ends_on == tomorrow
    assert enterprise_status(park.a, on=today) == EnterpriseStatus.SUSPENDED
    assert enterprise_status(park.a, on=tomorrow) == EnterpriseStatus.RESUMED
    assert list(
        AuditEvent.objects.filter(
            enterprise_id=park.a.pk, action__startswith="enterprise."
        ).values_list("action", flat=True)
    )[:2] == [AuditAction.ENTERPRISE_REINSTATED, AuditAction.ENTERPRISE_SUSPENDED]


def test_status_on_past_dates_follows_suspension_history(park):
    """Resumed on D is computed from what was true on D: approval, then a suspension, then a
    reinstatement, recorded on their real days."""
    base = timezone.localdate() - timedelta(days=20)

    def at(day_offset: int):
        return timezone.make_aware(
            timezone.datetime.combine(
                base + timedelta(days=day_offset), timezone.datetime.min.time()
            )
        ) + timedelta(hours=10)

    application = services.application_create(
        actor=park.officer,
        enterprise=park.a,
        planned_date=base + timedelta(days=2),
        at=at(0),
        returning_local=10,
        prevention_plan="p",
        emergency_plan="e",
        responsible_person="r",
        commitment_accepted=True,
    )
    services.application_update(
        actor=park.officer, application=application, self_check=all_met(application), at=at(0)
    )
    services.application_submit(actor=park.officer, application=application, at=at(0))
    services.application_verify(
        actor=park.liaison,
        application=application,
        checks=all_met(application),
        recommendation="approve",
        at=at(1),
    )
    services.application_approve(
        actor=park.command,
        application=application,
        resumption_date=base + timedelta(days=3),
        at=at(2),
    )
    services.enterprise_suspend(
        actor=park.command,
        enterprise=park.a,
        reason="r",
        starts_on=base + timedelta(days=8),
        at=at(8),
    )
    services.enterprise_reinstate(
        actor=park.command,
        enterprise=park.a,
        reason="r",
        ends_on=base + timedelta(days=12),
        at=at(12),
    )
    status = {
        offset: enterprise_status(park.a, on=base + timedelta(days=offset))
        for offset in range(0, 16)
    }
    # Before approval: not resumed (the application's status today is what it shows).
    assert status[1] != EnterpriseStatus.RESUMED
    assert status[2] != EnterpriseStatus.RESUMED  # approved on day 2 for day 3
    assert [status[offset] for offset in (3, 7)] == [EnterpriseStatus.RESUMED] * 2
    assert [status[offset] for offset in (8, 11)] == [EnterpriseStatus.SUSPENDED] * 2
    assert [status[offset] for offset in (12, 15)] == [EnterpriseStatus.RESUMED] * 2


def test_suspending_an_enterprise_that_never_resumed_is_refused(park):
    before = database_counts()
    with pytest.raises(ConflictError):
        services.enterprise_suspend(actor=park.command, enterprise=park.b, reason="r")
    assert_nothing_written(before)


def test_suspension_cannot_start_in_the_past(park, today):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    before = database_counts()
    with pytest.raises(ApplicationError):
        services.enterprise_suspend(
            actor=park.command, enterprise=park.a, reason="r", starts_on=today - timedelta(days=1)
        )
    assert_nothing_written(before)


def test_reinstating_an_enterprise_that_is_not_suspended_is_refused(park):
    with pytest.raises(ConflictError):
        services.enterprise_reinstate(actor=park.command, enterprise=park.a, reason="r")


def test_one_application_per_enterprise_is_enforced_by_the_database(park, guide, today):
    make_application(officer=park.officer, state="draft")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ResumptionApplication.objects.create(
            enterprise=park.a, guide_version=guide, planned_date=today
        )


def test_no_second_suspension_before_a_scheduled_reinstatement(park, today):
    make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state="approved"
    )
    services.enterprise_suspend(actor=park.command, enterprise=park.a, reason="r")
    services.enterprise_reinstate(
        actor=park.command, enterprise=park.a, reason="r", ends_on=today + timedelta(days=5)
    )
    before = database_counts()
    with pytest.raises(ConflictError):
        services.enterprise_suspend(actor=park.command, enterprise=park.a, reason="again")
    assert_nothing_written(before)
    services.enterprise_suspend(
        actor=park.command, enterprise=park.a, reason="later", starts_on=today + timedelta(days=5)
    )


def test_an_unchanged_save_writes_no_audit_row(park):
    application = make_application(officer=park.officer, state="complete")
    before = database_counts()
    services.application_update(
        actor=park.officer, application=application, self_check=all_met(application)
    )
    assert_nothing_written(before)


def test_a_long_rectification_item_is_refused(park):
    application = make_application(officer=park.officer, state="submitted")
    with pytest.raises(ApplicationError):
        services.application_return(
            actor=park.command, application=application, rectification_items=["长" * 501]
        )


def test_timeline_shows_the_workflow_not_the_accounts(park):
    from fugong.accounts.services import user_create
    from fugong.core.roles import Role
    from fugong.resumption.selectors import enterprise_timeline

    user_create(
        actor=park.command,
        password="a-long-passphrase",
        username="o3",
        full_name="x",
        role=Role.ENTERPRISE_OFFICER,
        enterprise=park.a,
    )
    make_application(officer=park.officer, state="draft")
    actions = list(enterprise_timeline(park.a).values_list("action", flat=True))
    assert actions == [AuditAction.APPLICATION_CREATED]


# ----- attachments: the stored file follows the transaction ----------------------------------


def test_an_attachment_whose_service_fails_after_storing_it_leaves_no_file(park, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.core.files import check_attachment
    from fugong.core.testing import media_files

    application = make_application(officer=park.officer, state="draft")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    def upload():
        return check_attachment(SimpleUploadedFile("plan.pdf", pdf))

    def audit_fails(**kwargs):  # the last step, after the file and its row are written
        raise RuntimeError("the audit table is unavailable")

    before = database_counts()
    with monkeypatch.context() as patch:
        patch.setattr(services.attachments, "audit_event_record", audit_fails)
        with pytest.raises(RuntimeError):
            services.application_attachment_add(
                actor=park.officer,
                application=application,
                purpose="prevention_plan",
                upload=upload(),
            )
    assert media_files() == []
    assert_nothing_written(before)
    attachment = services.application_attachment_add(
        actor=park.officer, application=application, purpose="prevention_plan", upload=upload()
    )
    assert media_files() == [attachment.file.name]
