import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.inspections.tests.factories import PDF, png_upload
from fugong.training import services
from fugong.training.models import TrainingAttendance, TrainingMaterial, TrainingSession

from .test_services import xlsx

pytestmark = pytest.mark.django_db

# Reading a session of enterprise ``a`` (and the pages of the training).
READ = {
    "command": 200,
    "liaison": 200,
    "other_liaison": 404,
    "inspector": 403,
    "officer": 200,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}
# Writing to a session of enterprise ``a``.
WRITE = {**READ, "liaison": 403}


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_pages_by_role(client, park, session_a, worker_a, role):
    services.material_add(
        actor=park.officer,
        session=session_a,
        upload=__import__("fugong.core.files", fromlist=["x"]).check_attachment(png_upload()),
    )
    material = TrainingMaterial.objects.get()
    client.force_login(park.users()[role])
    listed = 403 if READ[role] == 403 else 200
    response = client.get(reverse("training:list"))
    assert response.status_code == listed
    if listed == 200:
        body = response.content.decode()
        assert (f'data-session-id="{session_a.pk}"' in body) == (READ[role] == 200)
        assert ('id="session-create"' in body) == (role in ("command", "officer", "other_officer"))
    response = client.get(reverse("training:trained"))
    assert response.status_code == listed
    if listed == 200:
        assert (f'data-worker-id="{worker_a[0].pk}"' in response.content.decode()) == (
            READ[role] == 200
        )
    assert client.get(reverse("training:detail", args=[session_a.pk])).status_code == READ[role]
    download = client.get(reverse("training:material_download", args=[session_a.pk, material.pk]))
    assert download.status_code == READ[role]
    template = client.get(reverse("training:import_template"))
    assert template.status_code == (200 if role in ("command", "officer", "other_officer") else 403)
    assert client.get(reverse("training:scan", args=[session_a.pk])).status_code == WRITE[role]


@pytest.mark.parametrize("role", PARK_ROLES)
def test_recording_a_session_by_role(client, park, today, role):
    client.force_login(park.users()[role])
    before = database_counts()
    data = {
        "enterprise": park.a.pk,
        "held_on": today.isoformat(),
        "topic": "洗手",
        "trainer": "疾控",
    }
    response = client.post(reverse("training:list"), data)
    if role in ("command", "officer"):
        session = TrainingSession.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("training:detail", args=[session.pk])
        return
    # Another enterprise's officer cannot choose ``a``; the others may not record at all.
    assert response.status_code == (400 if role == "other_officer" else 403)
    assert_nothing_written(before)


def test_a_session_far_ahead_is_refused_on_the_page(client, park, today):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("training:list"),
        {"held_on": "2099-01-01", "topic": "洗手", "trainer": "疾控"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["held_on"]
    assert_nothing_written(before)


@pytest.mark.parametrize("role", PARK_ROLES)
def test_attendance_writes_by_role_write_nothing_when_refused(
    client, park, session_a, worker_a, role
):
    worker, token = worker_a
    client.force_login(park.users()[role])
    before = database_counts()
    tick = client.post(reverse("training:tick", args=[session_a.pk]), {"worker": [worker.pk]})
    scan = client.post(reverse("training:scan", args=[session_a.pk]), {"token": token})
    imported = client.post(
        reverse("training:import", args=[session_a.pk]),
        {"file": xlsx([("王芳", worker.document_masked and "")])},
    )
    upload = client.post(
        reverse("training:material_upload", args=[session_a.pk]),
        {"file": SimpleUploadedFile("slides.pdf", PDF, content_type="application/pdf")},
    )
    if WRITE[role] == 200:
        assert tick.status_code == 302
        assert scan.status_code == 200
        assert "此前已签到" in scan.content.decode() or "Already" in scan.content.decode()
        assert imported.status_code == 400  # the row has no number
        assert upload.status_code == 302
        assert TrainingAttendance.objects.count() == 1
        assert TrainingMaterial.objects.count() == 1
        remove = client.post(reverse("training:remove", args=[session_a.pk, worker.pk]))
        assert remove.status_code == 302
        assert not TrainingAttendance.objects.exists()
        return
    for response in (tick, scan, imported, upload):
        assert response.status_code == WRITE[role]
    services.attendance_tick(actor=park.command, session=session_a, worker_ids=[worker.pk])
    before = database_counts()
    remove = client.post(reverse("training:remove", args=[session_a.pk, worker.pk]))
    assert remove.status_code == WRITE[role]
    assert_nothing_written(before)


def test_scanning_on_the_page(client, park, session_a, worker_a, worker_b):
    client.force_login(park.officer)
    url = reverse("training:scan", args=[session_a.pk])
    response = client.post(url, {"token": worker_a[1]}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="scan-result"' in body and "王芳" in body
    assert "<html" not in body  # the panel only
    before = database_counts()
    refused = client.post(url, {"token": worker_b[1]}, headers={"HX-Request": "true"})
    assert refused.status_code == 404
    assert "李强" not in refused.content.decode()
    assert_nothing_written(before)


def test_the_import_report_on_the_page(client, park, session_a, worker_a, worker_b):
    from fugong.workforce.tests.factories import resident_id

    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("training:import", args=[session_a.pk]),
        {"file": xlsx([("王芳", resident_id(sequence=301)), ("李强", resident_id(sequence=302))])},
    )
    assert response.status_code == 400
    assert 'id="import-errors"' in response.content.decode()
    assert_nothing_written(before)
    response = client.post(
        reverse("training:import", args=[session_a.pk]),
        {"file": xlsx([("王芳", resident_id(sequence=301))])},
    )
    assert response.status_code == 302
    assert TrainingAttendance.objects.get().worker == worker_a[0]


def test_the_enterprise_page_shows_who_is_trained(client, park, session_a, worker_a):
    services.attendance_tick(actor=park.officer, session=session_a, worker_ids=[worker_a[0].pk])
    client.force_login(park.officer)
    body = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert 'id="enterprise-training"' in body
    assert f"{reverse('training:trained')}?enterprise={park.a.pk}" in body
    client.force_login(park.inspector)  # no training view
    body = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert 'id="enterprise-training"' not in body
