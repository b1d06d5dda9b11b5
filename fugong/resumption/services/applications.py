"""An application's steps: start, edit, submit, verify on site, approve, return for
rectification."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, Role, require
from fugong.enterprises.models import Enterprise
from fugong.guide.selectors import guide_version_current

from ..models import (
    ApplicationStatus,
    AttachmentPurpose,
    Recommendation,
    RectificationItem,
    ResumptionApplication,
    SelfCheckAnswer,
    VerificationCheck,
)
from ..periods import resumption_periods_refresh

# What the enterprise officer fills in on the application form, the API and the demo.
APPLICATION_FIELDS = (
    "planned_date",
    "returning_local",
    "returning_outside",
    "prevention_plan",
    "emergency_plan",
    "masks_on_hand",
    "thermometers_on_hand",
    "oximeters_on_hand",
    "disinfectant_litres_on_hand",
    "other_supplies",
    "responsible_person",
    "commitment_accepted",
)


class ApplicationFields(TypedDict, total=False):
    """The fields of APPLICATION_FIELDS, any of them left out (unchanged, or the default)."""

    planned_date: date | None
    returning_local: int
    returning_outside: int
    prevention_plan: str | None
    emergency_plan: str | None
    masks_on_hand: int
    thermometers_on_hand: int
    oximeters_on_hand: int
    disinfectant_litres_on_hand: Decimal | int | float | None
    other_supplies: str | None
    responsible_person: str | None
    commitment_accepted: bool


@dataclass(frozen=True)
class ItemAnswer:
    """An answer to one guide item: met or not, with a note."""

    met: bool | None
    note: str = ""


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _lock(application: ResumptionApplication) -> ResumptionApplication:
    """Re-read the application under a row lock, so that two clicks cannot both act on it."""
    return (
        ResumptionApplication.objects.select_for_update(of=("self",))
        .select_related("enterprise", "enterprise__liaison", "guide_version")
        .get(pk=application.pk)
    )


def _require_own_enterprise(actor: User, enterprise: Enterprise) -> None:
    if actor.role != Role.ENTERPRISE_OFFICER or actor.enterprise_id != enterprise.pk:
        raise NotFoundError()


def _clean_item_answers(
    application: ResumptionApplication, answers: dict[int, ItemAnswer]
) -> dict[int, ItemAnswer]:
    valid_ids = set(application.guide_version.items.values_list("pk", flat=True))
    unknown = set(answers) - valid_ids
    if unknown:
        raise ApplicationError(
            _("An answer refers to an item that is not in this application's guide version."),
            code="unknown_item",
        )
    return {
        key: ItemAnswer(value.met, (value.note or "").strip()[:500])
        for key, value in answers.items()
    }


def _set_fields(application: ResumptionApplication, fields: Mapping[str, Any]) -> dict[str, bool]:
    changes: dict[str, bool] = {}
    for key, value in fields.items():
        if key not in APPLICATION_FIELDS:
            continue
        if key == "disinfectant_litres_on_hand" and value is not None:
            value = Decimal(str(value))
        if key in ("prevention_plan", "emergency_plan", "other_supplies", "responsible_person"):
            value = (value or "").strip()
        if getattr(application, key) != value:
            changes[key] = True
            setattr(application, key, value)
    return changes


@transaction.atomic
def application_create(
    *,
    actor: User,
    enterprise: Enterprise,
    at: datetime | None = None,
    **fields: Unpack[ApplicationFields],
) -> ResumptionApplication:
    """Start the enterprise's resumption application against the current guide, as a draft."""
    require(actor, Action.APPLICATIONS_APPLY)
    _require_own_enterprise(actor, enterprise)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if ResumptionApplication.objects.filter(enterprise=enterprise).exists():
        raise ConflictError(_("This enterprise already has a resumption application."))
    version = guide_version_current()
    application = ResumptionApplication(
        enterprise=enterprise, guide_version=version, created_by=actor, created_at=_now(at)
    )
    if "planned_date" not in fields or fields["planned_date"] is None:
        raise ApplicationError(
            _("Enter the planned resumption date."), fields={"planned_date": [_("Required.")]}
        )
    _set_fields(application, fields)
    full_clean_or_raise(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise ConflictError(_("This enterprise already has a resumption application.")) from error
    SelfCheckAnswer.objects.bulk_create(
        SelfCheckAnswer(application=application, item=item, met=None)
        for item in version.items.all()
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_CREATED,
        target=application,
        enterprise=enterprise,
        at=at,
    )
    return application


def _require_editable(application: ResumptionApplication) -> None:
    if not application.is_editable:
        raise ConflictError(
            _("The application is “%(status)s” and can no longer be edited.")
            % {"status": application.get_status_display()}
        )


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: ResumptionApplication,
    self_check: dict[int, ItemAnswer] | None = None,
    rectification_responses: dict[int, str] | None = None,
    at: datetime | None = None,
    **fields: Unpack[ApplicationFields],
) -> ResumptionApplication:
    """Change a draft or returned application: its fields, self-check answers and, after a
    return, what was done about each rectification item."""
    require(actor, Action.APPLICATIONS_APPLY)
    application = _lock(application)
    _require_own_enterprise(actor, application.enterprise)
    _require_editable(application)
    changes = _set_fields(application, fields)
    full_clean_or_raise(application)
    answers = _clean_item_answers(application, self_check or {})
    responses: dict[int, str] = {}
    changed_answers: dict[int, SelfCheckAnswer] = {}
    if rectification_responses:
        open_items = {
            item.pk: item
            for item in application.rectification_items.filter(round=application.round)
        }
        if set(rectification_responses) - set(open_items):
            raise ApplicationError(_("Unknown rectification item."), code="unknown_item")
        responses = {
            key: (value or "").strip()
            for key, value in rectification_responses.items()
            if (value or "").strip() != open_items[key].response
        }
    if changes:
        application.save()
    if answers:
        existing = {answer.item_id: answer for answer in application.self_check.all()}
        changed_rows = []
        for item_id, answer in answers.items():
            row = existing[item_id]
            if (row.met, row.note) != (answer.met, answer.note):
                row.met, row.note = answer.met, answer.note
                changed_rows.append(row)
        SelfCheckAnswer.objects.bulk_update(changed_rows, ["met", "note"])
        changed_answers = {row.item_id: row for row in changed_rows}
    for item_id, response in responses.items():
        RectificationItem.objects.filter(pk=item_id).update(response=response)
    if changes or changed_answers or responses:
        audit_event_record(
            actor=actor,
            action=AuditAction.APPLICATION_UPDATED,
            target=application,
            enterprise=application.enterprise,
            data={
                "fields": sorted(changes),
                "answers": len(changed_answers),
                "responses": len(responses),
            },
            at=at,
        )
    return application


def application_missing_for_submission(application: ResumptionApplication) -> list[str]:
    """What still has to be filled in before the application can be submitted."""
    missing = []
    if application.self_check.filter(met__isnull=True).exists():
        missing.append(_("Answer every item of the self-check (met or not met)."))
    has_attachment = set(application.attachments.values_list("purpose", flat=True).distinct())
    if not application.prevention_plan and AttachmentPurpose.PREVENTION_PLAN not in has_attachment:
        missing.append(_("Write the prevention plan or attach it."))
    if not application.emergency_plan and AttachmentPurpose.EMERGENCY_PLAN not in has_attachment:
        missing.append(_("Write the emergency plan or attach it."))
    if application.returning_total == 0:
        missing.append(_("Enter how many workers return."))
    if not application.responsible_person:
        missing.append(_("Name the first responsible person."))
    if not application.commitment_accepted:
        missing.append(_("The responsible person must sign the commitment."))
    if (
        application.status == ApplicationStatus.RETURNED
        and application.rectification_items.filter(round=application.round, response="").exists()
    ):
        missing.append(_("Say what was done about every rectification item."))
    return missing


@transaction.atomic
def application_submit(
    *, actor: User, application: ResumptionApplication, at: datetime | None = None
) -> ResumptionApplication:
    """Send a complete draft (or a rectified, returned application) to the liaison."""
    require(actor, Action.APPLICATIONS_APPLY)
    application = _lock(application)
    _require_own_enterprise(actor, application.enterprise)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        raise ConflictError(
            _("The application has already been submitted (it is “%(status)s”).")
            % {"status": application.get_status_display()}
        )
    missing = application_missing_for_submission(application)
    today = timezone.localdate(_now(at))
    if application.planned_date < today:
        missing.append(_("The planned resumption date has passed; choose a new one."))
    if missing:
        raise ApplicationError(" ".join(missing), code="incomplete", fields={"__all__": missing})
    resubmission = application.status == ApplicationStatus.RETURNED
    if resubmission:
        application.round += 1
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = _now(at)
    application.submitted_by = actor
    application.recommendation = ""
    application.verification_summary = ""
    application.verified_at = None
    application.verified_by = None
    application.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_RESUBMITTED
        if resubmission
        else AuditAction.APPLICATION_SUBMITTED,
        target=application,
        enterprise=application.enterprise,
        data={"round": application.round},
        at=at,
    )
    return application


@transaction.atomic
def application_verify(
    *,
    actor: User,
    application: ResumptionApplication,
    checks: dict[int, ItemAnswer],
    recommendation: str,
    summary: str = "",
    at: datetime | None = None,
) -> ResumptionApplication:
    """The liaison's on-site verification: every guide item checked, and a recommendation."""
    require(actor, Action.APPLICATIONS_VERIFY)
    application = _lock(application)
    if application.enterprise.liaison_id != actor.pk:
        raise NotFoundError()
    if application.status != ApplicationStatus.SUBMITTED:
        raise ConflictError(
            _("Only a submitted application can be verified (this one is “%(status)s”).")
            % {"status": application.get_status_display()}
        )
    if recommendation not in Recommendation.values:
        raise ApplicationError(
            _("Choose a recommendation."), fields={"recommendation": [_("Required.")]}
        )
    checks = _clean_item_answers(application, checks)
    item_ids = set(application.guide_version.items.values_list("pk", flat=True))
    unanswered = [key for key in item_ids if key not in checks or checks[key].met is None]
    if unanswered:
        raise ApplicationError(
            _("Check every item on site: %(count)s item(s) have no result.")
            % {"count": len(unanswered)},
            code="incomplete",
        )
    summary = (summary or "").strip()
    if recommendation == Recommendation.RETURN and not summary:
        raise ApplicationError(
            _("Say what must be rectified when recommending a return."),
            fields={"summary": [_("Required.")]},
        )
    VerificationCheck.objects.filter(application=application, round=application.round).delete()
    VerificationCheck.objects.bulk_create(
        VerificationCheck(
            application=application,
            round=application.round,
            item_id=item_id,
            met=bool(answer.met),
            note=answer.note,
        )
        for item_id, answer in checks.items()
    )
    application.status = ApplicationStatus.VERIFIED
    application.verified_at = _now(at)
    application.verified_by = actor
    application.recommendation = recommendation
    application.verification_summary = summary
    application.save()
    not_met = sum(1 for answer in checks.values() if not answer.met)
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_VERIFIED,
        target=application,
        enterprise=application.enterprise,
        summary=summary,
        data={"round": application.round, "recommendation": recommendation, "not_met": not_met},
        at=at,
    )
    return application


@transaction.atomic
def application_approve(
    *,
    actor: User,
    application: ResumptionApplication,
    resumption_date: date,
    note: str = "",
    at: datetime | None = None,
) -> ResumptionApplication:
    """The command post approves a verified application with the date work may resume."""
    require(actor, Action.APPLICATIONS_DECIDE)
    application = _lock(application)
    if application.status == ApplicationStatus.APPROVED:
        raise ConflictError(_("This application has already been approved."))
    if application.status != ApplicationStatus.VERIFIED:
        raise ConflictError(_("An application must be verified on site before it can be approved."))
    if resumption_date is None:
        raise ApplicationError(
            _("Enter the resumption date."), fields={"resumption_date": [_("Required.")]}
        )
    if resumption_date < timezone.localdate(_now(at)):
        raise ApplicationError(
            _("The resumption date cannot be in the past."),
            fields={"resumption_date": [_("The resumption date cannot be in the past.")]},
        )
    application.status = ApplicationStatus.APPROVED
    application.resumption_date = resumption_date
    application.decided_at = _now(at)
    application.decided_by = actor
    application.decision_note = (note or "").strip()
    application.save()
    # The kept status summary, in this transaction (as the gate keeps its attendance counts).
    resumption_periods_refresh([application.enterprise_id])
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_APPROVED,
        target=application,
        enterprise=application.enterprise,
        summary=application.decision_note,
        data={"resumption_date": resumption_date.isoformat(), "round": application.round},
        at=at,
    )
    return application


@transaction.atomic
def application_return(
    *,
    actor: User,
    application: ResumptionApplication,
    rectification_items: list[str],
    note: str = "",
    at: datetime | None = None,
) -> ResumptionApplication:
    """The command post returns an application with the things to rectify before resubmitting."""
    require(actor, Action.APPLICATIONS_DECIDE)
    application = _lock(application)
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED):
        raise ConflictError(
            _(
                "Only a submitted or verified application can be returned "
                "(this one is “%(status)s”)."
            )
            % {"status": application.get_status_display()}
        )
    texts = [text.strip() for text in rectification_items if text and text.strip()]
    if any(len(text) > 500 for text in texts):
        message = _("Each thing to rectify is at most 500 characters; split longer ones.")
        raise ApplicationError(message, fields={"rectification_items": [message]})
    if not texts:
        raise ApplicationError(
            _("List at least one thing to rectify."),
            fields={"rectification_items": [_("Required.")]},
        )
    RectificationItem.objects.bulk_create(
        RectificationItem(
            application=application, round=application.round, position=index, text=text
        )
        for index, text in enumerate(texts)
    )
    application.status = ApplicationStatus.RETURNED
    application.decided_at = _now(at)
    application.decided_by = actor
    application.decision_note = (note or "").strip()
    application.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.APPLICATION_RETURNED,
        target=application,
        enterprise=application.enterprise,
        summary="; ".join(texts)[:500],
        data={"round": application.round, "items": texts},
        at=at,
    )
    return application
