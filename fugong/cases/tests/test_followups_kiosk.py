"""The gate kiosk's person card shows the worker's daily health declaration (through the gate's
registry, fugong.gate.declarations): missing or abnormal, informational, never a reason to deny;
the offline snapshot carries none."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fugong.cases import followups
from fugong.gate import declarations
from fugong.gate.models import GateOperator
from fugong.gate.services import gate_device_create
from fugong.gate.tests.factories import make_gate
from fugong.gate.tests.helpers import post
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate_and_device(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    _device, secret = gate_device_create(actor=park.officer, gate=gate, name="东门一体机")
    return gate, secret


def _identify(client, gate, secret, token):
    response = post(client, f"/api/v1/gates/{gate.pk}/identify", {"pass_token": token}, secret)
    assert response.status_code == 200
    return response.json()


def test_cases_registers_the_provider_at_start_up():
    from fugong.cases.selectors_followups import worker_declaration_status

    assert declarations._provider is worker_declaration_status


def test_the_card_shows_a_missing_then_an_abnormal_declaration(
    client, park, gate_and_device, observed, observed_token
):
    gate, secret = gate_and_device
    answer = _identify(client, gate, secret, observed_token)
    assert answer["person"]["declaration"]["state"] == "missing"
    # Under observation is the reason to deny; the declaration adds none.
    assert [problem["code"] for problem in answer["problems"]] == ["under_observation"]
    followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=timezone.localdate(),
        declaration=followups.Declaration(period="morning", temperature="38.6", symptoms=[]),
    )
    answer = _identify(client, gate, secret, observed_token)
    assert answer["person"]["declaration"]["state"] == "abnormal"
    assert "38.6" in answer["person"]["declaration"]["message"]
    searched = post(client, f"/api/v1/gates/{gate.pk}/search", {"q": observed.full_name}, secret)
    assert searched.json()[0]["declaration"]["state"] == "abnormal"
    snapshot = client.get(
        f"/api/v1/gates/{gate.pk}/snapshot", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    assert all("declaration" not in entry["worker"] for entry in snapshot["passes"])


def test_a_worker_with_nothing_to_show_has_no_status(client, park, gate_and_device):
    gate, secret = gate_and_device
    worker = make_worker(actor=park.officer, enterprise=park.a, full_name="正常工人")
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    answer = _identify(client, gate, secret, token)
    assert answer["person"]["declaration"] is None and answer["problems"] == []


def test_without_a_provider_the_gate_shows_nothing(client, park, gate_and_device, observed_token):
    gate, secret = gate_and_device
    saved = declarations._provider
    declarations.register(None)
    try:
        assert _identify(client, gate, secret, observed_token)["person"]["declaration"] is None
    finally:
        declarations.register(saved)
