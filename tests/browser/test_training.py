"""A training session taken by scanning workers' passes, in Chromium: the enterprise's officer
records the session, scans passes at it (one twice, one of another enterprise refused), and the
worker the gate denied as untrained (the policy's rule set to deny) is admitted once trained."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fugong.gate.models import GateOperator
from fugong.gate.tests.factories import make_gate
from fugong.screening.models import ScreeningPolicy
from fugong.training.models import TrainingAttendance
from fugong.training.tests.factories import worker_with_pass

from .conftest import login, screenshot
from .test_kiosk import measure, scan, verdict

pytestmark = pytest.mark.django_db(transaction=True)


def scan_pass(page, token: str) -> str:
    # The previous answer goes, so that waiting for one waits for this pass's.
    page.evaluate(
        "() => { const old = document.getElementById('scan-result'); if (old) old.remove(); }"
    )
    page.fill("#id_token", token)
    page.press("#id_token", "Enter")
    page.wait_for_selector("#scan-result")
    text = page.inner_text("#scan-result")
    # The panel is swapped in with an empty field, focused for the next pass.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_token'")
    return text


def test_a_session_taken_by_scanning_passes(page, park):
    ScreeningPolicy.objects.create(
        effective_from=timezone.localdate() - timedelta(days=1), training_rule="deny"
    )
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    wang, wang_token = worker_with_pass(actor=park.officer, enterprise=park.a, sequence=401)
    zhao, zhao_token = worker_with_pass(
        actor=park.officer, enterprise=park.a, sequence=402, name="赵敏"
    )
    _li, li_token = worker_with_pass(
        actor=park.other_officer, enterprise=park.b, sequence=403, name="李强"
    )

    # At the gate, before any training: denied, saying why.
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    scan(page, wang_token, "王芳")
    measure(page, "36.5")
    denied = verdict(page)
    assert "拒绝" in denied
    assert "trained in prevention" in denied or "培训" in denied  # English until translated

    # The officer records the session and takes attendance by scanning passes.
    login(page, "officer")
    page.goto(page.base_url + "/training/")
    page.select_option("#id_enterprise", str(park.a.pk))
    page.fill("#id_topic", "复工防疫知识培训")
    page.fill("#id_trainer", "县疾控中心 李医生")
    page.click("#session-create-button")
    page.wait_for_selector("#scan-link")
    page.click("#scan-link")
    page.wait_for_selector("#id_token")
    assert "王芳" in scan_pass(page, wang_token)
    assert "赵敏" in scan_pass(page, zhao_token)
    again = scan_pass(page, wang_token)
    assert "王芳" in again
    refused = scan_pass(page, li_token)  # another enterprise's pass: unknown here
    assert "李强" not in refused
    assert page.inner_text("#present-count") == "2"
    screenshot(page, "40-training-scan")
    assert set(TrainingAttendance.objects.values_list("worker_id", flat=True)) == {
        wang.pk,
        zhao.pk,
    }
    assert set(TrainingAttendance.objects.values_list("method", flat=True)) == {"scanned"}

    # The session page lists them; the counts page shows everyone trained.
    page.click("text=复工防疫知识培训")
    page.wait_for_selector("#attendance-table")
    assert page.inner_text("#attendee-count") == "2"
    page.goto(page.base_url + "/training/trained/")
    row = page.inner_text(f"#training-counts tr[data-enterprise-id='{park.a.pk}']")
    assert row.split()[-3:] == ["2", "2", "0"]

    # Back at the gate: admitted now.
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    scan(page, wang_token, "王芳")
    measure(page, "36.5")
    page.wait_for_selector("#verdict.admitted")
