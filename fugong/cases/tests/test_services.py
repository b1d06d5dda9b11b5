"""Opening, classifying and editing cases: who may, what is refused, and the history kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases import services
from fugong.cases.models import Case, CaseEntryKind, Classification, PersonKind
from fugong.cases.selectors import case_counts_on, case_get, case_list
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(park):
    return make_worker(actor=park.command, enterprise=park.a, full_name="李四", department="二车间")


def test_a_case_for_a_worker_copies_who_they_are(park, worker, today):
    case = services.case_open(
        actor=park.command,
        classification=Classification.SUSPECTED,
        worker_id=worker.pk,
        onset_on=today - timedelta(days=1),
    )
    assert case.person_kind == PersonKind.WORKER
    assert (case.full_name, case.enterprise, case.department) == ("李四", park.a, "二车间")
    assert case.document_masked == worker.document_masked
    assert list(case.classifications.values_list("old_classification", "new_classification")) == [
        ("", Classification.SUSPECTED)
    ]
    assert case.entries.get().kind == CaseEntryKind.OPENED
    assert AuditEvent.objects.filter(action=AuditAction.CASE_OPENED).count() == 1


def test_a_person_outside_the_park_is_checked(park, today):
    number = resident_id()
    case = services.case_open(
        actor=park.command,
        classification=Classification.CONFIRMED,
        external={"full_name": " 王 五 ", "document_number": number, "phone": "13912345678"},
        sampling_on=today,
    )
    assert case.full_name == "王 五"
    assert case.document_masked.endswith(number[-4:]) and number not in case.document_masked
    assert case.phone_masked.endswith("5678") and case.enterprise is None


def _bad_check_digit() -> str:
    number = resident_id()
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {"external": {"full_name": "王五", "document_number": _bad_check_digit()}},
            "document_number",
        ),
        ({"external": {"full_name": "王五", "phone": "12345"}}, "phone"),
        ({"external": {"full_name": ""}}, "full_name"),
        ({"external": {"full_name": "王五", "residence_code": "999999"}}, "residence_code"),
    ],
)
def test_bad_person_data_is_refused_and_nothing_written(park, today, fields, field):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        services.case_open(
            actor=park.command, classification=Classification.SUSPECTED, onset_on=today, **fields
        )
    assert field in error.value.fields
    assert_nothing_written(before)


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({}, "onset_on"),
        ({"onset_on": 1}, "onset_on"),
        ({"sampling_on": 1}, "sampling_on"),
        ({"onset_on": -1, "isolated_on": -2}, "onset_on"),
        ({"sampling_on": -1, "isolated_on": -3}, "sampling_on"),
        ({"onset_on": -3, "isolated_on": 2}, "isolated_on"),
    ],
)
def test_dates_in_the_future_or_after_isolation_are_refused(park, worker, today, dates, field):
    before = database_counts()
    with pytest.raises(ApplicationError) as error:
        services.case_open(
            actor=park.command,
            classification=Classification.SUSPECTED,
            worker_id=worker.pk,
            **{key: today + timedelta(days=offset) for key, offset in dates.items()},
        )
    assert field in error.value.fields
    assert_nothing_written(before)


def test_one_open_case_per_person_drills_apart(park, worker, today):
    services.case_open(
        actor=park.command, classification="suspected", worker_id=worker.pk, onset_on=today
    )
    with pytest.raises(ConflictError):
        services.case_open(
            actor=park.command, classification="confirmed", worker_id=worker.pk, onset_on=today
        )
    drill = services.case_open(
        actor=park.command,
        classification="confirmed",
        worker_id=worker.pk,
        onset_on=today,
        is_drill=True,
    )
    assert drill.is_drill


@pytest.mark.parametrize("role", ["liaison", "officer", "inspector", "gate", "district"])
def test_only_the_command_post_opens_cases(park, worker, today, role):
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        services.case_open(
            actor=getattr(park, role),
            classification="suspected",
            worker_id=worker.pk,
            onset_on=today,
        )
    assert_nothing_written(before)


def test_classification_history_and_counts_on_past_days(park, worker, today):
    case = services.case_open(
        actor=park.command, classification="suspected", worker_id=worker.pk, onset_on=today
    )
    drill = services.case_open(
        actor=park.command,
        classification="confirmed",
        external={"full_name": "演练人员"},
        onset_on=today,
        is_drill=True,
    )
    assert drill.pk and case_counts_on(today)["confirmed"] == 0  # drills never count
    services.case_classify(actor=park.command, case=case, classification="confirmed")
    case.refresh_from_db()
    assert case.classification == Classification.CONFIRMED
    assert case_counts_on(today) == {
        "suspected": 0,
        "confirmed": 1,
        "asymptomatic": 0,
        "excluded": 0,
    }
    assert case_counts_on(today - timedelta(days=1))["confirmed"] == 0  # not yet a case
    with pytest.raises(ConflictError):
        services.case_classify(actor=park.command, case=case, classification="confirmed")
    with pytest.raises(ApplicationError):
        services.case_classify(
            actor=park.command,
            case=case,
            classification="excluded",
            effective_on=today + timedelta(days=1),
        )
    with pytest.raises(ApplicationError):
        services.case_classify(
            actor=park.command,
            case=case,
            classification="excluded",
            effective_on=today - timedelta(days=1),
        )
    assert case.classifications.count() == 2


def test_editing_isolation_is_on_the_timeline(park, worker, today):
    case = services.case_open(
        actor=park.command, classification="suspected", worker_id=worker.pk, onset_on=today
    )
    services.case_update(
        actor=park.command, case=case, isolated_on=today, isolation_place="定点医院"
    )
    assert case.entries.last().kind == CaseEntryKind.ISOLATED
    with pytest.raises(ApplicationError):
        services.case_update(actor=park.command, case=case, full_name="别人")
    with pytest.raises(ApplicationError):
        services.case_update(actor=park.command, case=case, isolated_on=today - timedelta(days=1))
    case.refresh_from_db()
    assert case.isolated_on == today


def test_scope_of_cases(park, worker, today):
    case = services.case_open(
        actor=park.command, classification="suspected", worker_id=worker.pk, onset_on=today
    )
    assert list(case_list(actor=park.liaison)) == [case]
    assert list(case_list(actor=park.officer)) == [case]
    assert list(case_list(actor=park.other_liaison)) == []
    with pytest.raises(NotFoundError):
        case_get(actor=park.other_officer, case_id=case.pk)
    with pytest.raises(PermissionDeniedError):
        case_list(actor=park.inspector)
    with pytest.raises(PermissionDeniedError):
        case_list(actor=park.district)
    assert Case.objects.count() == 1
