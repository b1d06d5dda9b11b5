from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.crypto import decrypt
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.workforce import services
from fugong.workforce.models import Clearance, Employment, Worker, WorkerPass

from .factories import make_worker, resident_id, suspicious_id

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


def test_an_ended_observation_shows_as_cleared_before_the_next_rescreen(park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    Worker.objects.filter(pk=worker.pk).update(
        clearance=Clearance.OBSERVATION, observation_until=timezone.localdate() - timedelta(days=1)
    )
    worker.refresh_from_db()
    assert worker.clearance_today == Clearance.CLEARED


# ----- moves: only through the old employer (a leave) or the command post --------------------


def _worker_at_b_with_data(park, number):
    """A worker of enterprise b with everything an employer collects, and a live pass."""
    worker = make_worker(
        actor=park.other_officer,
        enterprise=park.b,
        full_name="王秘密",
        document_number=number,
        phone="13900000077",
        department="乙车间",
        shift="夜班",
        dormitory_room="9号楼101",
        shuttle_route="7号线",
        holiday_location_code="420100",
        returned_on=timezone.localdate() - timedelta(days=3),
        travel=[("430104", None, None)],
        contact_on=timezone.localdate() - timedelta(days=2),
        symptoms="咳嗽",
        health_code="yellow",
        health_code_on=timezone.localdate() - timedelta(days=1),
    )
    services.pass_issue(actor=park.other_officer, worker=worker)
    return worker


STORED = ("王秘密", "乙企业", "13900000077", "139****0077", "乙车间", "咳嗽")


@pytest.mark.parametrize("role", ["officer", "command"])
def test_registering_someone_on_another_roster_is_refused_naming_nothing_stored(park, role):
    number = resident_id(sequence=70)
    theirs = _worker_at_b_with_data(park, number)
    before = database_counts()
    with pytest.raises(ConflictError) as refused:
        make_worker(actor=park.users()[role], enterprise=park.a, document_number=number)
    error = refused.value
    assert error.code == "on_another_roster" and error.status == 409
    assert "record that they have left" in error.message and "command post" in error.message
    shown = error.message + str(error.fields)
    for stored in (*STORED, theirs.document_masked, str(theirs.pk)):
        assert stored not in shown
    assert list(error.fields) == ["document_number"]
    assert_nothing_written(before)
    theirs.refresh_from_db()
    assert theirs.enterprise == park.b and theirs.passes.filter(revoked_at__isnull=True).exists()


def test_after_the_leave_the_new_employer_registers_the_worker_and_starts_clean(park):
    number = resident_id(sequence=71)
    first = _worker_at_b_with_data(park, number)
    services.worker_leave(actor=park.other_officer, worker=first)
    rehired = make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="王秘密",
        document_number=number,
        phone="",
        department="甲车间",
    )
    assert rehired.pk == first.pk and rehired.enterprise == park.a
    assert list(
        Employment.objects.filter(worker=rehired)
        .order_by("id")
        .values_list("enterprise", "ended_on", "department")
    ) == [(park.b.pk, timezone.localdate(), "乙车间"), (park.a.pk, None, "甲车间")]
    # Nothing of b's employment is kept; what a gave is set; the clearance is recomputed.
    assert (rehired.phone_cipher, rehired.phone_masked, rehired.phone_digest) == ("", "", "")
    assert (rehired.shift, rehired.dormitory_room, rehired.shuttle_route) == ("", "", "")
    assert rehired.department == "甲车间" and rehired.holiday_location_code == "430603"
    assert (rehired.symptoms, rehired.health_code) == ("", "")
    assert (rehired.returned_on, rehired.contact_on, rehired.health_code_on) == (None, None, None)
    assert not rehired.travel.exists()
    assert rehired.clearance == Clearance.CLEARED and rehired.clearance_reasons == []
    assert not rehired.passes.filter(revoked_at__isnull=True).exists()
    trail = AuditEvent.objects.filter(target_id=str(rehired.pk)).order_by("id")
    assert [(event.action, event.enterprise_id) for event in trail][-2:] == [
        (AuditAction.WORKER_LEFT, park.b.pk),
        (AuditAction.WORKER_REHIRED, park.a.pk),
    ]


def test_the_command_post_moves_a_worker_who_starts_clean(park):
    number = resident_id(sequence=72)
    worker = _worker_at_b_with_data(park, number)
    moved = services.worker_move(actor=park.command, worker=worker, enterprise=park.a)
    assert moved.pk == worker.pk and moved.enterprise == park.a
    assert list(
        Employment.objects.filter(worker=moved).order_by("id").values_list("enterprise", "ended_on")
    ) == [(park.b.pk, timezone.localdate()), (park.a.pk, None)]
    assert moved.passes.get().revoke_reason == "moved to another enterprise"
    assert (moved.phone_masked, moved.department, moved.symptoms, moved.health_code) == (
        "",
        "",
        "",
        "",
    )
    assert moved.contact_on is None and not moved.travel.exists()
    assert moved.full_name == "王秘密" and moved.residence_code == "430603"
    # The new employer has not screened them yet.
    assert moved.clearance == Clearance.NOT_CLEARED
    assert [reason["code"] for reason in moved.clearance_reasons] == ["missing_holiday_location"]
    rows = AuditEvent.objects.filter(target_id=str(moved.pk), action__startswith="worker.moved")
    assert sorted((event.action, event.enterprise_id) for event in rows) == [
        (AuditAction.WORKER_MOVED, park.b.pk),
        (AuditAction.WORKER_MOVED_IN, park.a.pk),
    ]
    for event in rows:
        assert event.actor == park.command and event.summary == "王秘密"
        assert event.data == {"from_enterprise": park.b.pk, "to_enterprise": park.a.pk}


@pytest.mark.parametrize(
    "role",
    ["liaison", "other_liaison", "inspector", "officer", "other_officer", "gate", "district"],
)
def test_only_the_command_post_moves_workers(park, role):
    worker = _worker_at_b_with_data(park, resident_id(sequence=73))
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.worker_move(actor=park.users()[role], worker=worker, enterprise=park.a)
    assert_nothing_written(before)


def test_moving_to_the_same_enterprise_is_a_conflict(park):
    worker = _worker_at_b_with_data(park, resident_id(sequence=74))
    before = database_counts()
    with pytest.raises(ConflictError):
        services.worker_move(actor=park.command, worker=worker, enterprise=park.b)
    assert_nothing_written(before)


def test_a_medical_hold_survives_a_move_without_its_details(park):
    from decimal import Decimal

    from fugong.gate import services as gate_services
    from fugong.gate.models import AbnormalEvent
    from fugong.gate.tests.factories import check, make_gate
    from fugong.screening.display import reasons_text

    worker = make_worker(
        actor=park.other_officer, enterprise=park.b, document_number=resident_id(sequence=75)
    )
    token = services.pass_token(services.pass_issue(actor=park.other_officer, worker=worker))
    gate = make_gate(park.b, name="乙东门")
    gate_services.gate_checks_record(
        gate=gate,
        items=[
            check(
                pass_token=token,
                temperature=Decimal("38.6"),
                temperature_recheck=Decimal("38.4"),
                recheck_method="axillary",
            )
        ],
    )
    worker.refresh_from_db()
    assert "38.4" in worker.medical_hold
    moved = services.worker_move(actor=park.command, worker=worker, enterprise=park.a)
    assert moved.clearance == Clearance.NOT_CLEARED and moved.medical_hold
    shown = " ".join(reasons_text(moved.clearance_reasons)) + moved.medical_hold
    assert "Held after an abnormal gate check." in shown
    assert "38.4" not in shown and "乙东门" not in shown
    # The enterprise where it happened releases the person: the hold is lifted.
    gate_services.abnormal_event_step(
        actor=park.other_officer,
        event=AbnormalEvent.objects.get(),
        action="release",
        temperature=Decimal("36.8"),
    )
    moved.refresh_from_db()
    assert moved.medical_hold == ""
    assert "medical_hold" not in [reason["code"] for reason in moved.clearance_reasons]


def test_a_resident_id_ending_in_000_needs_the_officers_confirmation(park):
    # Given a valid number (check character, birth date, county) that ends in 000
    number = suspicious_id()
    before = database_counts()
    # When it is registered without the confirmation, it is refused on the number, nothing written
    with pytest.raises(ApplicationError) as refused:
        make_worker(actor=park.officer, enterprise=park.a, document_number=number)
    assert "000" in refused.value.fields["document_number"][0]
    assert_nothing_written(before)
    # When the officer confirms they checked it against the ID card, it is stored
    worker = make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=number,
        confirm_suspicious_number=True,
    )
    assert worker.document_masked == "*" * 14 + number[-4:]


def test_names_are_stored_normalised(park):
    worker = make_worker(actor=park.officer, enterprise=park.a, full_name="王　芳")
    assert worker.full_name == "王芳"
    worker = services.worker_update(
        actor=park.officer, worker=worker, full_name="ＳＭＩＴＨ　Ｊｏｈｎ"
    )
    assert worker.full_name == "SMITH John"


def test_the_migration_normalises_the_names_already_stored(park):
    import importlib

    migration = importlib.import_module("fugong.workforce.migrations.0005_normalise_names")
    worker = make_worker(actor=park.officer, enterprise=park.a)
    clean = make_worker(actor=park.officer, enterprise=park.a, full_name="李四")
    Worker.objects.filter(pk=worker.pk).update(full_name="王　芳")  # as stored before
    migration.normalise(Worker)
    assert Worker.objects.get(pk=worker.pk).full_name == "王芳"
    assert Worker.objects.get(pk=clean.pk).full_name == "李四"
