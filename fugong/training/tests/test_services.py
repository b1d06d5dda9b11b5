import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.training import selectors, services
from fugong.training.models import TrainingAttendance
from fugong.workforce.tests.factories import resident_id

from .factories import make_session

pytestmark = pytest.mark.django_db


def xlsx(rows, header=("姓名", "证件号码")) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("attendance.xlsx", buffer.getvalue())


def test_a_session_in_the_far_future_is_refused(park, today):
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        make_session(actor=park.command, enterprise=park.a, held_on=today + timedelta(days=400))
    assert caught.value.status == 400
    assert "held_on" in caught.value.fields
    assert_nothing_written(before)
    # Planned within the limit: fine.
    make_session(
        actor=park.command,
        enterprise=park.a,
        held_on=today + timedelta(days=services.MAX_DAYS_AHEAD),
    )


def test_who_may_record_a_session(park):
    make_session(actor=park.command, enterprise=None)
    make_session(actor=park.officer, enterprise=park.a)
    before = database_counts()
    with pytest.raises(PermissionDeniedError):
        make_session(actor=park.officer, enterprise=None)  # park-wide: the command post only
    with pytest.raises(NotFoundError):
        make_session(actor=park.officer, enterprise=park.b)
    for user in (park.liaison, park.inspector, park.gate, park.district):
        with pytest.raises(PermissionDeniedError):
            make_session(actor=user, enterprise=park.a)
    assert_nothing_written(before)


def test_ticking_records_each_worker_once_and_is_audited(park, session_a, worker_a):
    worker, _token = worker_a
    created = services.attendance_tick(
        actor=park.officer, session=session_a, worker_ids=[worker.pk]
    )
    assert [row.worker_id for row in created] == [worker.pk]
    again = services.attendance_tick(actor=park.officer, session=session_a, worker_ids=[worker.pk])
    assert again == []
    assert TrainingAttendance.objects.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_ATTENDANCE_RECORDED)
    assert event.enterprise_id == park.a.pk
    assert event.data == {"method": "ticked", "worker_ids": [worker.pk]}


def test_attendance_for_a_worker_of_another_enterprise_is_refused(
    park, session_a, worker_a, worker_b
):
    worker, _ = worker_a
    other, _ = worker_b
    before = database_counts()
    # The command post sees both workers: the other enterprise's is refused with a clear error.
    with pytest.raises(ApplicationError) as caught:
        services.attendance_tick(
            actor=park.command, session=session_a, worker_ids=[worker.pk, other.pk]
        )
    assert caught.value.status == 400
    assert caught.value.code == "other_enterprise"
    assert "another enterprise" in caught.value.message
    # The officer does not see the other enterprise's worker at all.
    with pytest.raises(NotFoundError):
        services.attendance_tick(actor=park.officer, session=session_a, worker_ids=[other.pk])
    assert_nothing_written(before)


def test_a_park_wide_session_takes_every_enterprises_workers(
    park, park_session, worker_a, worker_b
):
    services.attendance_tick(
        actor=park.command,
        session=park_session,
        worker_ids=[worker_a[0].pk, worker_b[0].pk],
    )
    # Each officer sees their own workers only.
    seen = selectors.session_attendances(actor=park.officer, session=park_session)
    assert [row.worker_id for row in seen] == [worker_a[0].pk]
    assert selectors.session_list(actor=park.officer).get(pk=park_session.pk).attendee_count == 1


def test_attendance_is_taken_on_or_after_the_day(park, tomorrow, worker_a):
    session = make_session(actor=park.officer, enterprise=park.a, held_on=tomorrow)
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:
        services.attendance_tick(actor=park.officer, session=session, worker_ids=[worker_a[0].pk])
    assert caught.value.status == 409
    assert_nothing_written(before)


def test_scanning_a_pass(park, session_a, worker_a, worker_b):
    worker, token = worker_a
    assert services.attendance_scan(actor=park.officer, session=session_a, token=token) == (
        worker,
        True,
    )
    assert services.attendance_scan(actor=park.officer, session=session_a, token=token) == (
        worker,
        False,
    )
    before = database_counts()
    with pytest.raises(ApplicationError) as caught:  # another enterprise's pass: unknown here
        services.attendance_scan(actor=park.officer, session=session_a, token=worker_b[1])
    assert caught.value.status == 404
    with pytest.raises(ApplicationError) as caught:  # as the command post: another enterprise
        services.attendance_scan(actor=park.command, session=session_a, token=worker_b[1])
    assert caught.value.code == "other_enterprise"
    with pytest.raises(ApplicationError) as caught:
        services.attendance_scan(actor=park.officer, session=session_a, token=token + "x")
    assert caught.value.status == 404
    assert_nothing_written(before)
    assert TrainingAttendance.objects.get().method == "scanned"


def test_removing_an_attendance(park, session_a, worker_a):
    worker, _ = worker_a
    services.attendance_tick(actor=park.officer, session=session_a, worker_ids=[worker.pk])
    services.attendance_remove(actor=park.officer, session=session_a, worker_id=worker.pk)
    assert not TrainingAttendance.objects.exists()
    with pytest.raises(NotFoundError):
        services.attendance_remove(actor=park.officer, session=session_a, worker_id=worker.pk)


def test_the_import_is_all_or_nothing(park, session_a, worker_a, worker_b):
    worker, _ = worker_a
    before = database_counts()
    report = services.attendance_import(
        actor=park.command,
        session=session_a,
        upload=xlsx(
            [
                ("王芳", resident_id(sequence=301)),
                ("李强", resident_id(sequence=302)),  # another enterprise
                ("", resident_id(sequence=399)),  # nobody's
                ("张三", resident_id(sequence=301)),  # twice
                ("", "12345"),
            ]
        ),
    )
    assert not report.ok
    assert [error.row for error in report.errors] == [3, 4, 5, 6]
    assert report.bad_rows == 4
    assert_nothing_written(before)
    report = services.attendance_import(
        actor=park.officer,
        session=session_a,
        upload=xlsx([("王芳", resident_id(sequence=301))]),
    )
    assert report.ok and report.created == 1
    assert TrainingAttendance.objects.get().worker == worker
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_ATTENDANCE_IMPORTED).count() == 1


def test_the_documented_template_is_the_one_the_code_reads(park, session_a, worker_a):
    from pathlib import Path

    documented = Path(__file__).resolve().parents[3] / "docs" / "import-templates" / "training.xlsx"
    report = services.attendance_import(
        actor=park.officer,
        session=session_a,
        upload=SimpleUploadedFile("t.xlsx", documented.read_bytes()),
    )
    assert report.ok, report.errors


def test_trained_counts_and_untrained_workers(park, session_a, worker_a):
    from fugong.workforce.tests.factories import make_worker

    make_worker(actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=303))
    services.attendance_tick(actor=park.officer, session=session_a, worker_ids=[worker_a[0].pk])
    [row] = selectors.training_counts(actor=park.officer)
    assert (row.enterprise, row.workers, row.trained, row.untrained) == (park.a, 2, 1, 1)
    assert worker_a[0] not in selectors.untrained_workers(actor=park.officer)
    assert selectors.untrained_workers(actor=park.other_officer).count() == 0
    assert selectors.first_training_days([worker_a[0].pk]) == {worker_a[0].pk: session_a.held_on}
