import json

import pytest
from django.urls import reverse

from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts
from fugong.gate import services
from fugong.gate.models import AbnormalEvent, EventStep, Gate, GateDevice, GateOperator

from .factories import check

pytestmark = pytest.mark.django_db

VIEW = {"command": 200, "liaison": 200, "officer": 200, "other_liaison": 404, "other_officer": 404}


@pytest.fixture
def event(park, gate, token):
    services.gate_checks_record(
        gate=gate, items=[check(pass_token=token, temperature=None, spo2=88)]
    )
    return AbnormalEvent.objects.get()


# ----- the kiosk -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_the_kiosk_is_the_operators(client, park, gate, role):
    client.force_login(park.users()[role])
    response = client.get(reverse("gate:kiosk"))
    assert response.status_code == (200 if role == "gate" else 403)


def test_the_kiosk_knows_its_gate_and_speaks_chinese(client, park, gate):
    client.force_login(park.gate)
    response = client.get(reverse("gate:kiosk"))
    body = response.content.decode()
    assert "扫描复工码" in body and "东门" in body
    config = json.loads(
        body.split('<script id="kiosk-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["gate"] == {"id": gate.pk, "enterprise_id": park.a.pk}
    assert config["api"]["check"] == f"/api/v1/gates/{gate.pk}/checks"
    texts = json.loads(
        body.split('<script id="kiosk-texts" type="application/json">')[1].split("</script>")[0]
    )
    assert texts["reasons"]["no_mask"] == "未戴口罩，不得进入。"
    assert response["Cache-Control"] == "no-cache"


def test_the_kiosks_data_cannot_close_its_script(client, park, gate, monkeypatch):
    """The page's JSON goes through ``json_script``: nothing in it can end the script element."""
    from fugong.gate import views

    texts = views.kiosk_texts()
    monkeypatch.setattr(
        views, "kiosk_texts", lambda: {**texts, "next": "</script><script>alert(1)</script>"}
    )
    client.force_login(park.gate)
    body = client.get(reverse("gate:kiosk")).content.decode()
    assert "<script>alert(1)" not in body
    raw = body.split('<script id="kiosk-texts" type="application/json">')[1].split("</script>")[0]
    assert json.loads(raw)["next"] == "</script><script>alert(1)</script>"
    config = json.loads(
        body.split('<script id="kiosk-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["csrf"] and config["serviceWorker"] == reverse("gate:service_worker")


def test_an_operator_without_a_gate_is_told_so(client, park):
    client.force_login(park.gate)
    response = client.get(reverse("gate:kiosk"))
    assert response.status_code == 409
    assert "没有为此账号指定卡口" in response.content.decode()


def test_the_service_worker_and_manifest(client):
    worker = client.get(reverse("gate:service_worker"))
    assert worker["Content-Type"] == "application/javascript"
    assert worker["Service-Worker-Allowed"] == "/gate/"
    assert "/static/fugong/kiosk.js" in worker.content.decode()
    manifest = json.loads(client.get(reverse("gate:manifest")).content)
    assert manifest["start_url"] == reverse("gate:kiosk") and manifest["display"] == "standalone"


# ----- gates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_gate_pages_by_role(client, park, gate, token, role):
    services.gate_checks_record(gate=gate, items=[check(pass_token=token)])
    client.force_login(park.users()[role])
    listed = client.get(reverse("gate:list"))
    detail = client.get(reverse("gate:detail", args=[gate.pk]))
    expected = VIEW.get(role, 403)
    if role == "gate":
        assert listed.status_code == 302 and listed["Location"] == reverse("gate:kiosk")
    else:
        assert listed.status_code == (403 if expected == 403 else 200)
    assert detail.status_code == expected
    if expected == 200:
        body = detail.content.decode()
        assert "1 人准入" in body and "*" in body


@pytest.mark.parametrize("role", PARK_ROLES)
def test_setting_up_gates_by_role(client, park, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("gate:list"), {"name": "北门", "enterprise": park.a.pk, "location": "北侧"}
    )
    if role in ("command", "officer"):
        assert response.status_code == 302
        gate = Gate.objects.get(name="北门")
        assert gate.enterprise == park.a
        assert AuditEvent.objects.filter(action=AuditAction.GATE_SAVED).count() == 1
    else:
        # The operator is sent to the kiosk; another enterprise's officer cannot choose ``a``.
        expected = {"gate": 302, "other_officer": 400}.get(role, 403)
        assert response.status_code == expected
        assert_nothing_written(before)


def test_an_officer_cannot_set_up_another_enterprises_gate(client, park):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(reverse("gate:list"), {"name": "西门", "enterprise": park.b.pk})
    assert response.status_code == 400
    assert_nothing_written(before)


def test_the_command_post_sets_up_a_park_gate(client, park):
    client.force_login(park.command)
    response = client.post(reverse("gate:list"), {"name": "城陵矶码头入口", "enterprise": ""})
    assert response.status_code == 302
    assert Gate.objects.get().enterprise is None


def test_html_in_a_gate_name_is_shown_as_text(client, park):
    client.force_login(park.command)
    client.post(reverse("gate:list"), {"name": "<b>门</b>", "enterprise": park.a.pk})
    body = client.get(reverse("gate:list")).content.decode()
    assert "&lt;b&gt;门&lt;/b&gt;" in body and "<b>门</b>" not in body


@pytest.mark.parametrize("role", PARK_ROLES)
def test_device_tokens_by_role(client, park, gate, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(reverse("gate:device_create", args=[gate.pk]), {"name": "一体机"})
    expected = {"command": 302, "officer": 302, "other_officer": 404, "other_liaison": 404}.get(
        role, 403
    )
    assert response.status_code == expected
    if expected == 302:
        device = GateDevice.objects.get()
        page = client.get(reverse("gate:detail", args=[gate.pk])).content.decode()
        assert 'id="new-device-token"' in page and "fgd_" in page
        again = client.get(reverse("gate:detail", args=[gate.pk])).content.decode()
        assert 'id="new-device-token"' not in again  # shown once
        client.post(reverse("gate:device_revoke", args=[gate.pk, device.pk]))
        device.refresh_from_db()
        assert device.revoked_at is not None
    else:
        assert_nothing_written(before)


def test_a_device_needs_a_name(client, park, gate):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(reverse("gate:device_create", args=[gate.pk]), {"name": "  "})
    assert response.status_code == 400
    assert_nothing_written(before)


def test_revoking_another_gates_device_is_not_found(client, park, gate):
    other = Gate.objects.create(name="乙门", enterprise=park.b)
    device, _secret = services.gate_device_create(actor=park.other_officer, gate=other, name="乙")
    client.force_login(park.officer)
    before = database_counts()
    assert client.post(reverse("gate:device_revoke", args=[gate.pk, device.pk])).status_code == 404
    assert_nothing_written(before)


# ----- abnormal events -----------------------------------------------------------------------


@pytest.mark.parametrize("role", PARK_ROLES)
def test_event_pages_by_role(client, park, event, role):
    client.force_login(park.users()[role])
    expected = VIEW.get(role, 403)
    listed = client.get(reverse("gate:events"))
    panel = client.get(reverse("gate:event_panel"))
    detail = client.get(reverse("gate:event", args=[event.pk]))
    assert listed.status_code == (403 if expected == 403 else 200)
    assert panel.status_code == (403 if expected == 403 else 200)
    assert detail.status_code == expected
    before = database_counts()
    step = client.post(reverse("gate:event", args=[event.pk]), {"action": "recheck", "spo2": "97"})
    if expected == 200:
        assert step.status_code == 302
        assert EventStep.objects.get().actor == park.users()[role]
        assert event.worker.full_name in panel.content.decode()
    else:
        assert step.status_code == expected
        assert_nothing_written(before)


def test_the_panel_is_a_fragment_and_the_list_refreshes_by_htmx(client, park, event):
    client.force_login(park.liaison)
    panel = client.get(reverse("gate:event_panel")).content.decode()
    assert "<html" not in panel and "血氧偏低" in panel
    fragment = client.get(reverse("gate:events"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="events"' in fragment
    home = client.get(reverse("overview:home")).content.decode()
    assert 'hx-get="/gate/events/panel/"' in home and "every 10s" in home


def test_a_bad_step_is_a_form_error(client, park, event):
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("gate:event", args=[event.pk]), {"action": "recheck", "temperature": "50"}
    )
    assert response.status_code == 422
    assert "不是体温" in response.content.decode()
    assert_nothing_written(before)


def _disputed(gate, token):
    """A fever let in offline from a copy with no stamp: the server disputes the verdict."""
    from decimal import Decimal

    services.gate_checks_record(
        gate=gate,
        items=[
            check(
                pass_token=token,
                temperature=Decimal("38.0"),
                temperature_recheck=Decimal("38.2"),
                offline=True,
                offline_verdict="admitted",
                offline_reasons=[],
            )
        ],
    )


@pytest.mark.parametrize("role", ["command", "liaison", "officer"])
def test_a_disputed_check_is_flagged_on_the_gate_and_event_pages(client, park, gate, token, role):
    _disputed(gate, token)
    client.force_login(park.users()[role])
    listed = client.get(reverse("gate:list")).content.decode()
    detail = client.get(reverse("gate:detail", args=[gate.pk])).content.decode()
    assert "gate-disputed" in listed
    assert "check-disputed" in detail and 'id="disputed-count"' in detail
    assert "check-server" in detail and "复测确认发热" in detail.split("check-server")[1]
    event = AbnormalEvent.objects.get()
    page = client.get(reverse("gate:event", args=[event.pk])).content.decode()
    assert 'id="event-disputed"' in page
    assert "event-disputed" in client.get(reverse("gate:events")).content.decode()


def test_an_agreed_check_is_not_flagged(client, park, gate, token):
    services.gate_checks_record(gate=gate, items=[check(pass_token=token, spo2=88)])
    client.force_login(park.officer)
    detail = client.get(reverse("gate:detail", args=[gate.pk])).content.decode()
    assert "check-disputed" not in detail and 'id="disputed-count"' not in detail
    assert "gate-disputed" not in client.get(reverse("gate:list")).content.decode()
    assert "event-disputed" not in client.get(reverse("gate:events")).content.decode()
    page = client.get(reverse("gate:event", args=[AbnormalEvent.objects.get().pk])).content
    assert b'id="event-disputed"' not in page


def test_the_operator_home_opens_the_checkpoint(client, park, gate, token):
    services.gate_checks_record(
        gate=gate, items=[check(pass_token=token), check(pass_token=token, mask=False)]
    )
    client.force_login(park.gate)
    body = client.get(reverse("overview:home")).content.decode()
    assert reverse("gate:kiosk") in body and "1 人准入，1 人拒绝" in body
    assert 'id="event-panel"' not in body


def test_the_command_post_posts_an_operator_at_a_gate(client, park, gate):
    GateOperator.objects.filter(user=park.gate).delete()
    client.force_login(park.command)
    page = client.get(reverse("gate:detail", args=[gate.pk])).content.decode()
    assert 'id="gate-operator-assign"' in page
    response = client.post(reverse("gate:operator_assign", args=[gate.pk]), {"user": park.gate.pk})
    assert response.status_code == 302
    assert GateOperator.objects.get(user=park.gate).gate == gate
    assert AuditEvent.objects.filter(action=AuditAction.GATE_OPERATOR_POSTED).count() == 1
    # An operator of enterprise a is no candidate for b's gate: nothing changes.
    other = Gate.objects.create(name="乙门", enterprise=park.b)
    before = database_counts()
    client.post(reverse("gate:operator_assign", args=[other.pk]), {"user": park.gate.pk})
    assert_nothing_written(before)
    assert GateOperator.objects.get(user=park.gate).gate == gate
    response = client.post(reverse("gate:operator_remove", args=[gate.pk, park.gate.pk]))
    assert response.status_code == 302 and not GateOperator.objects.filter(user=park.gate).exists()


@pytest.mark.parametrize("role", PARK_ROLES)
def test_posting_operators_by_role(client, park, gate, role):
    """Only the command post posts operators; nobody else writes anything, whatever they try."""
    GateOperator.objects.filter(user=park.gate).delete()
    client.force_login(park.users()[role])
    before = database_counts()
    assign = client.post(reverse("gate:operator_assign", args=[gate.pk]), {"user": park.gate.pk})
    if role == "command":
        assert assign.status_code == 302
        assert GateOperator.objects.filter(user=park.gate, gate=gate).exists()
        return
    assert assign.status_code in (403, 404)
    assert_nothing_written(before)
    GateOperator.objects.create(user=park.gate, gate=gate)
    before = database_counts()
    remove = client.post(reverse("gate:operator_remove", args=[gate.pk, park.gate.pk]))
    assert remove.status_code in (403, 404)
    assert_nothing_written(before)


def test_a_post_that_no_longer_fits_is_no_post(client, park, gate):
    """An operator moved to enterprise b keeps no post at a's gate."""
    from fugong.accounts.services import user_update

    user_update(actor=park.command, user=park.gate, enterprise=park.b)
    client.force_login(park.gate)
    response = client.get(reverse("gate:kiosk"))
    assert response.status_code in (200, 409)
    assert gate.name not in response.content.decode()


@pytest.mark.parametrize("role", PARK_ROLES)
def test_editing_a_gate_by_role(client, park, gate, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("gate:edit", args=[gate.pk]), {"name": "南门", "location": "南侧"}
    )
    gate.refresh_from_db()
    if role in ("command", "officer"):
        assert response.status_code == 302
        assert (gate.name, gate.is_active) == ("南门", False)  # unticked: out of use
    else:
        assert response.status_code == {"other_liaison": 404, "other_officer": 404}.get(role, 403)
        assert gate.name == "东门"
        assert_nothing_written(before)
