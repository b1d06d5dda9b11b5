"""Every audit row written during a request says where it came from: the client's address, and
the API token or gate device token that authenticated the request; none from a command."""

import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from fugong.accounts.services import api_token_create
from fugong.audit.context import current_origin
from fugong.audit.models import AuditAction, AuditEvent
from fugong.gate.services import gate_device_create
from fugong.gate.tests.factories import make_gate
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker

pytestmark = pytest.mark.django_db


def test_a_page_records_the_clients_address(client, park):
    client.force_login(park.officer)
    response = client.post(
        reverse("accounts:token_create"), {"name": "ERP"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert event.client_address == "198.51.100.7"
    assert event.api_token_id is None and event.gate_device_id is None
    assert current_origin() is None  # nothing carried over to whatever runs next


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_address_is_read_as_the_lockout_reads_it(client, park, settings, proxies, expected):
    settings.FUGONG_TRUSTED_PROXIES = proxies
    client.force_login(park.officer)
    client.post(
        reverse("accounts:token_create"),
        {"name": "ERP"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEvent.objects.get().client_address == expected


def test_the_api_records_the_token_that_authenticated_it(client, park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    token, secret = api_token_create(actor=park.officer, name="ERP")
    AuditEvent.objects.all().delete()
    response = client.post(
        f"/api/v1/workers/{worker.pk}/reveal/phone",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        REMOTE_ADDR="198.51.100.8",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.actor == park.officer
    assert event.api_token_id == token.pk and event.client_address == "198.51.100.8"
    assert event.gate_device_id is None


def test_the_api_in_the_browser_session_records_no_token(client, park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    AuditEvent.objects.all().delete()
    client.force_login(park.officer)
    client.post(f"/api/v1/workers/{worker.pk}/reveal/phone", REMOTE_ADDR="198.51.100.9")
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.api_token_id is None and event.client_address == "198.51.100.9"


def test_a_gate_device_is_recorded_on_the_rows_its_checks_write(client, park):
    gate = make_gate(park.a)
    worker = make_worker(actor=park.officer, enterprise=park.a)
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    device, secret = gate_device_create(actor=park.officer, gate=gate, name="东门一体机")
    fever = {
        "client_id": str(uuid.uuid4()),
        "pass_token": token,
        "mask": True,
        "disinfected": True,
        "temperature": "37.8",
        "temperature_recheck": "37.7",
        "recheck_method": "axillary",
        "spo2": 98,
    }
    response = client.post(
        f"/api/v1/gates/{gate.pk}/checks",
        json.dumps(fever),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        REMOTE_ADDR="10.8.0.21",
    )
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action=AuditAction.GATE_EVENT_RAISED)
    assert event.actor is None
    assert event.gate_device_id == device.pk and event.client_address == "10.8.0.21"
    assert event.api_token_id is None


def test_a_management_command_records_no_origin(park):
    call_command("rescreen", stdout=io.StringIO())
    event = AuditEvent.objects.get(action=AuditAction.RESCREENED)
    assert event.client_address is None
    assert event.api_token_id is None and event.gate_device_id is None


def test_the_audit_trail_shows_the_origin(client, park):
    worker = make_worker(actor=park.officer, enterprise=park.a)
    token, secret = api_token_create(actor=park.officer, name="ERP")
    client.post(
        f"/api/v1/workers/{worker.pk}/reveal/phone",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        REMOTE_ADDR="198.51.100.8",
    )
    client.force_login(park.command)
    page = client.get(
        reverse("audit:event_list"), {"action": AuditAction.PERSONAL_DATA_VIEWED}
    ).content.decode()
    assert "198.51.100.8" in page
    assert f"#{token.pk}" in page and f"{token.prefix}…" in page


def test_rows_built_in_bulk_during_a_request_carry_the_origin_too(park):
    """The enterprise import builds its rows itself and writes them with bulk_create."""
    from django.test import RequestFactory

    from fugong.audit.context import AuditContextMiddleware, note_api_token

    token, _secret = api_token_create(actor=park.command, name="import")

    def view(request):
        note_api_token(token.pk)
        rows = [
            AuditEvent(
                actor=park.command,
                action=AuditAction.ENTERPRISE_UPDATED,
                target_type="enterprises.enterprise",
                target_id=str(enterprise.pk),
            )
            for enterprise in (park.a, park.b)
        ]
        AuditEvent.objects.bulk_create(rows)
        return None

    AuditContextMiddleware(view)(RequestFactory().post("/", REMOTE_ADDR="192.0.2.44"))
    rows = AuditEvent.objects.filter(action=AuditAction.ENTERPRISE_UPDATED)
    assert {(row.client_address, row.api_token_id) for row in rows} == {("192.0.2.44", token.pk)}
    assert current_origin() is None
