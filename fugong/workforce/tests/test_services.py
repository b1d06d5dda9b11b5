from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.crypto import decrypt
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.workforce import services
from fugong.workforce.models import Clearance, Employment, Worker, WorkerPass

from .factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


def test_register_stores_numbers_encrypted_and_masked(park):
    number = resident_id("430602", sequence=123)
    worker = make_worker(
        actor=park.officer, enterprise=park.a, document_number=number, phone="13800138000"
    )
    assert number not in worker.document_cipher and decrypt(worker.document_cipher) == number
    assert worker.document_masked == "*" * 14 + number[-4:]
    assert worker.phone_masked == "138****8000" and decrypt(worker.phone_cipher) == "13800138000"
    assert worker.birth_year == 1985 and worker.sex == "M"
    assert worker.clearance == Clearance.CLEARED
    assert Employment.objects.get(worker=worker).enterprise == park.a


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"document_number": "430602198506151230"}, "document_number"),
        ({"residence_code": "999999"}, "residence_code"),
        ({"residence_code": "430600"}, "residence_code"),  # a city, not a county
        ({"phone": "1380013800"}, "phone"),
        ({"returned_on": timezone.localdate() + timedelta(days=1)}, "returned_on"),
        ({"full_name": "  "}, "full_name"),
        ({"health_code": "purple"}, "health_code"),
        ({"travel": [("999999", None, None)]}, "travel"),
    ],
)
def test_bad_fields_are_refused(park, fields, field):
    before = database_counts()
    with pytest.raises(ApplicationError) as refused:
        make_worker(actor=park.officer, enterprise=park.a, **fields)
    assert field in refused.value.fields
    assert_nothing_written(before)


def test_the_same_person_twice_on_one_roster_is_a_conflict(park):
    number = resident_id(sequence=7)
    make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    before = database_counts()
    with pytest.raises(ConflictError):
        make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    assert_nothing_written(before)


def test_a_person_moving_keeps_one_record_and_a_history(park):
    number = resident_id(sequence=8)
    first = make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    services.pass_issue(actor=park.officer, worker=first)
    moved = make_worker(actor=park.other_officer, enterprise=park.b, document_number=number)
    assert moved.pk == first.pk
    assert moved.enterprise == park.b
    assert list(
        Employment.objects.filter(worker=moved).order_by("id").values_list("enterprise", "ended_on")
    ) == [
        (park.a.pk, timezone.localdate()),
        (park.b.pk, None),
    ]
    assert not WorkerPass.objects.filter(worker=moved, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=AuditAction.WORKER_MOVED).count() == 1


def test_officers_work_only_on_their_own_enterprise(park):
    with pytest.raises(NotFoundError):
        make_worker(actor=park.officer, enterprise=park.b)
    worker = make_worker(actor=park.other_officer, enterprise=park.b)
    with pytest.raises(NotFoundError):
        services.worker_update(actor=park.officer, worker=worker, department="x")
    with pytest.raises(NotFoundError):
        services.pass_issue(actor=park.officer, worker=worker)


@pytest.mark.parametrize("role", ["liaison", "inspector", "gate", "district"])
def test_other_roles_cannot_register(park, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        make_worker(actor=park.users()[role], enterprise=park.a)
    assert_nothing_written(before)


def test_editing_screened_data_recomputes_the_clearance(park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    updated = services.worker_update(actor=park.officer, worker=worker, symptoms="发热 38.1")
    assert updated.clearance == Clearance.NOT_CLEARED
    assert updated.clearance_changes.get().new_clearance == Clearance.NOT_CLEARED
    updated = services.worker_update(actor=park.officer, worker=updated, symptoms="")
    assert updated.clearance == Clearance.CLEARED


def test_an_unchanged_edit_writes_nothing(park):
    worker = make_worker(actor=park.officer, enterprise=park.a, department="一车间")
    before = database_counts()
    services.worker_update(actor=park.officer, worker=worker, department="一车间", travel=[])
    assert_nothing_written(before)


def test_reveal_is_audited_and_needs_the_role(park):
    worker = make_worker(actor=park.officer, enterprise=park.a, phone="13900000001")
    assert services.worker_reveal(actor=park.liaison, worker=worker, field="phone") == "13900000001"
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.actor == park.liaison and event.data == {"field": "phone"}
    assert "13900000001" not in str(event.data) + event.summary
    with pytest.raises(PermissionDeniedError):
        services.worker_reveal(actor=park.liaison, worker=worker, field="document")
    with pytest.raises(PermissionDeniedError):
        services.worker_reveal(actor=park.inspector, worker=worker, field="phone")


def test_leaving_ends_the_employment_and_revokes_the_pass(park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    services.pass_issue(actor=park.officer, worker=worker)
    services.worker_leave(actor=park.officer, worker=worker)
    worker.refresh_from_db()
    assert worker.enterprise is None
    assert not worker.passes.filter(revoked_at__isnull=True).exists()


def test_pass_tokens_carry_no_personal_data_and_can_be_revoked(park):
    number = resident_id(sequence=9)
    worker = make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    worker_pass = services.pass_issue(actor=park.officer, worker=worker, valid_days=7)
    token = services.pass_token(worker_pass)
    assert number not in token and number[-6:] not in token
    assert services.pass_resolve(token).worker == worker
    # A new pass replaces the old one.
    replacement = services.pass_issue(actor=park.officer, worker=worker)
    with pytest.raises(ConflictError):
        services.pass_resolve(token)
    services.pass_revoke(actor=park.officer, worker_pass=replacement, reason="丢失")
    with pytest.raises(ConflictError) as refused:
        services.pass_resolve(services.pass_token(replacement))
    assert refused.value.code == "pass_revoked"


def test_forged_unknown_and_expired_passes(park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    worker_pass = services.pass_issue(actor=park.officer, worker=worker)
    token = services.pass_token(worker_pass)
    for bad in (token[:-2] + "xx", "FG1.nothing.here", "hello", ""):
        with pytest.raises(ApplicationError) as refused:
            services.pass_resolve(bad)
        assert refused.value.status == 404
    WorkerPass.objects.filter(pk=worker_pass.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ConflictError) as refused:
        services.pass_resolve(token)
    assert refused.value.code == "pass_expired"


def test_issue_missing_passes_for_an_enterprise(park):
    for sequence in range(3):
        make_worker(
            actor=park.officer,
            enterprise=park.a,
            document_number=resident_id(sequence=100 + sequence),
        )
    assert services.passes_issue_missing(actor=park.officer, enterprise=park.a) == 3
    assert services.passes_issue_missing(actor=park.officer, enterprise=park.a) == 0
    assert (
        WorkerPass.objects.filter(worker__enterprise=park.a, revoked_at__isnull=True).count() == 3
    )


def test_pass_validity_is_checked(park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    with pytest.raises(ApplicationError):
        services.pass_issue(actor=park.officer, worker=worker, valid_days=0)


def test_workers_scope_in_selectors(park):
    from fugong.workforce.selectors import worker_list

    mine = make_worker(actor=park.officer, enterprise=park.a, phone="13900000002")
    theirs = make_worker(actor=park.other_officer, enterprise=park.b)
    assert list(worker_list(actor=park.officer)) == [mine]
    assert set(worker_list(actor=park.liaison)) == {mine}
    assert set(worker_list(actor=park.command)) == {mine, theirs}
    with pytest.raises(PermissionDeniedError):
        worker_list(actor=park.inspector)
    number = decrypt(Worker.objects.get(pk=theirs.pk).document_cipher)
    assert list(worker_list(actor=park.command, number=number.lower())) == [theirs]
    assert list(worker_list(actor=park.officer, number=number)) == []
    assert list(worker_list(actor=park.officer, number="139 0000 0002")) == [mine]


def test_moving_keeps_the_data_given_with_the_move(park):
    number = resident_id(sequence=77)
    make_worker(actor=park.officer, enterprise=park.a, document_number=number, phone="13900000077")
    moved = make_worker(
        actor=park.other_officer,
        enterprise=park.b,
        document_number=number,
        phone="13900000078",
        travel=[("430104", None, None)],
        department="码头作业队",
    )
    assert decrypt(moved.phone_cipher) == "13900000078"
    assert list(moved.travel.values_list("division_code", flat=True)) == ["430104"]
    assert moved.employments.get(ended_on__isnull=True).department == "码头作业队"


def test_an_ended_observation_shows_as_cleared_before_the_next_rescreen(park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    Worker.objects.filter(pk=worker.pk).update(
        clearance=Clearance.OBSERVATION, observation_until=timezone.localdate() - timedelta(days=1)
    )
    worker.refresh_from_db()
    assert worker.clearance_today == Clearance.CLEARED
