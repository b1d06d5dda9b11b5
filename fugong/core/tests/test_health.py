"""GET /api/v1/health: a readiness check telling the database and the job queue apart."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from fugong.core import health

pytestmark = pytest.mark.django_db


def task(status: str, **fields) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="fugong.example.task",
        backend_name="default",
        run_after=fields.pop("run_after", get_date_max()),
        **fields,
    )


def test_ready(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["latency_ms"] >= 0
    assert body["jobs"] == {
        "status": "ok",
        "queued": 0,
        "running": 0,
        "oldest_queued_seconds": None,
        "last_finished_at": None,
    }


def test_the_queue_counts(client):
    task("READY")
    task("RUNNING")
    finished = timezone.now() - timedelta(minutes=3)
    task("SUCCESSFUL", finished_at=finished)
    task("READY", run_after=timezone.now() + timedelta(hours=1))  # not due: not counted
    jobs = client.get("/api/v1/health").json()["jobs"]
    assert (jobs["status"], jobs["queued"], jobs["running"]) == ("ok", 1, 1)
    assert 0 <= jobs["oldest_queued_seconds"] < 60
    assert jobs["last_finished_at"].startswith(finished.date().isoformat()[:4])


def test_a_job_waiting_too_long_degrades_but_stays_ready(client, settings):
    settings.FUGONG_HEALTH_QUEUE_MAX_WAIT = 300
    old = task("READY")
    DBTaskResult.objects.filter(pk=old.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["jobs"]["status"] == "degraded"
    assert body["jobs"]["oldest_queued_seconds"] > 590


def test_a_queue_that_cannot_be_read_degrades_without_a_500(client):
    with mock.patch.object(DBTaskResult.objects, "order_by", side_effect=DatabaseError("gone")):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["jobs"]["status"] == "degraded"
    assert response.json()["database"]["status"] == "ok"


def test_a_swapped_queue_check_that_raises_degrades(client):
    with mock.patch.object(health, "JOB_QUEUE_HEALTH", side_effect=RuntimeError("bug")):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["jobs"]["status"] == "degraded"


def test_an_unreachable_database_answers_503(client):
    refused = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["status"] == "unavailable"
    assert body["jobs"]["status"] == "unknown"
    assert "Connection refused" not in response.content.decode()  # details stay in the log


def test_both_answers_are_in_the_schema(client):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/health"]["get"][
        "responses"
    ]
    assert {"200", "503"} <= set(responses)
