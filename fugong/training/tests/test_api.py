import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fugong.core.files import check_attachment
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.inspections.tests.factories import PDF, png_upload
from fugong.training import services
from fugong.training.models import TrainingAttendance, TrainingMaterial, TrainingSession
from fugong.workforce.tests.factories import resident_id

from .test_services import xlsx
from .test_views import READ, WRITE

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("role", PARK_ROLES)
def test_reads_by_role(client, park, session_a, park_session, worker_a, role):
    services.material_add(
        actor=park.officer, session=session_a, upload=check_attachment(png_upload())
    )
    material = TrainingMaterial.objects.get()
    client.force_login(park.users()[role])
    listed = client.get("/api/v1/training/sessions")
    detail = client.get(f"/api/v1/training/sessions/{session_a.pk}")
    download = client.get(f"/api/v1/training/sessions/{session_a.pk}/materials/{material.pk}")
    counts = client.get("/api/v1/training/enterprises")
    untrained = client.get("/api/v1/training/untrained")
    assert detail.status_code == download.status_code == READ[role]
    expected_list = 403 if READ[role] == 403 else 200
    assert listed.status_code == counts.status_code == untrained.status_code == expected_list
    if expected_list == 200:
        ids = [item["id"] for item in listed.json()["items"]]
        assert park_session.pk in ids  # park-wide: seen by all who view training
        assert (session_a.pk in ids) == (READ[role] == 200)
        assert ([w["id"] for w in untrained.json()["items"]] == [worker_a[0].pk]) == (
            READ[role] == 200
        )
    if READ[role] == 200:
        assert detail.json()["materials"][0]["id"] == material.pk


@pytest.mark.parametrize("role", PARK_ROLES)
def test_creating_by_role(client, park, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        "/api/v1/training/sessions",
        json.dumps(
            {
                "enterprise_id": park.a.pk,
                "held_on": today.isoformat(),
                "topic": "洗手",
                "trainer": "疾控",
            }
        ),
        content_type="application/json",
    )
    if role in ("command", "officer"):
        assert response.status_code == 201
        assert TrainingSession.objects.get().pk == response.json()["id"]
        return
    # Another enterprise's officer may record, but not for ``a``; the others may not record.
    assert response.status_code == (404 if role == "other_officer" else 403)
    assert_nothing_written(before)


def test_bad_sessions_are_refused(client, park):
    client.force_login(park.command)
    before = database_counts()
    far = post_json(
        client,
        "/api/v1/training/sessions",
        {"held_on": "2099-01-01", "topic": "洗手", "trainer": "疾控"},
    )
    assert far.status_code == 400
    assert "held_on" in far.json()["error"]["fields"]
    blank = post_json(
        client, "/api/v1/training/sessions", {"held_on": "2026-01-01", "topic": "", "trainer": ""}
    )
    assert blank.status_code in (400, 422)
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_attendance_by_role(client, park, session_a, worker_a, role):
    worker, token = worker_a
    client.force_login(park.users()[role])
    before = database_counts()
    tick = post_json(
        client, f"/api/v1/training/sessions/{session_a.pk}/attendance", {"worker_ids": [worker.pk]}
    )
    scan = post_json(client, f"/api/v1/training/sessions/{session_a.pk}/scan", {"token": token})
    imported = client.post(
        f"/api/v1/training/sessions/{session_a.pk}/attendance/import",
        {"file": xlsx([("王芳", resident_id(sequence=301))])},
    )
    upload = client.post(
        f"/api/v1/training/sessions/{session_a.pk}/materials",
        {"file": SimpleUploadedFile("slides.pdf", PDF, content_type="application/pdf")},
    )
    if WRITE[role] == 200:
        assert tick.status_code == 200
        assert tick.json()["attendance"][0]["worker_id"] == worker.pk
        assert scan.status_code == 200 and scan.json()["created"] is False
        assert imported.status_code == 200 and imported.json()["unchanged"] == 1
        assert upload.status_code == 201
        removed = client.delete(f"/api/v1/training/sessions/{session_a.pk}/attendance/{worker.pk}")
        assert removed.status_code == 204
        assert not TrainingAttendance.objects.exists()
        return
    for response in (tick, scan, imported, upload):
        assert response.status_code == WRITE[role], response.content
    services.attendance_tick(actor=park.command, session=session_a, worker_ids=[worker.pk])
    before = database_counts()
    assert (
        client.delete(
            f"/api/v1/training/sessions/{session_a.pk}/attendance/{worker.pk}"
        ).status_code
        == WRITE[role]
    )
    assert_nothing_written(before)


def test_refused_attendance_writes_nothing(client, park, session_a, worker_a, worker_b):
    client.force_login(park.command)
    before = database_counts()
    other = post_json(
        client,
        f"/api/v1/training/sessions/{session_a.pk}/attendance",
        {"worker_ids": [worker_a[0].pk, worker_b[0].pk]},
    )
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "other_enterprise"
    scanned = post_json(
        client, f"/api/v1/training/sessions/{session_a.pk}/scan", {"token": worker_b[1]}
    )
    assert scanned.status_code == 400
    forged = post_json(
        client, f"/api/v1/training/sessions/{session_a.pk}/scan", {"token": "FG1.nope.nope"}
    )
    assert forged.status_code == 404
    rejected = client.post(
        f"/api/v1/training/sessions/{session_a.pk}/attendance/import",
        {"file": xlsx([("李强", resident_id(sequence=302))])},
    )
    assert rejected.status_code == 400
    assert rejected.json()["error"]["code"] == "import_rejected"
    assert rejected.json()["report"]["errors"][0]["row"] == 2
    assert_nothing_written(before)
