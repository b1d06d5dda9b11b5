"""Cases in Chromium: the command post opens a case from an abnormal event's page (the outcome
proposes the classification), the case page draws its chain graph without a CSP violation,
the classification changes with its date, and the export downloads."""

import pytest
from django.urls import reverse

from fugong.cases.models import Case, Classification
from fugong.cases.tests.pages_fixtures import add_contact
from fugong.gate import services as gate_services
from fugong.gate.models import AbnormalEvent
from fugong.gate.tests.factories import check, make_gate
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .conftest import login, screenshot
from .test_csp import Violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_case_from_an_abnormal_event(page, park):
    worker = make_worker(
        actor=park.command,
        enterprise=park.a,
        full_name="李四",
        department="二车间",
        document_number=resident_id(sequence=31),
    )
    colleague = make_worker(
        actor=park.command,
        enterprise=park.a,
        full_name="张三",
        department="二车间",
        document_number=resident_id(sequence=32),
    )
    gate = make_gate(park.a)
    token = pass_token(pass_issue(actor=park.command, worker=worker))
    gate_services.gate_checks_record(
        gate=gate, items=[check(pass_token=token, temperature=None, spo2=88)]
    )
    event = AbnormalEvent.objects.get()
    gate_services.abnormal_event_step(
        actor=park.command, event=event, action="outcome", outcome="suspected"
    )
    violations = Violations(page)
    login(page, "command")
    page.goto(page.base_url + reverse("gate:event", args=[event.pk]))
    page.click("#open-case-from-event")
    page.wait_for_selector("#case-open-form")
    assert page.locator("#id_classification").input_value() == Classification.SUSPECTED
    page.click("#open-case-submit")
    page.wait_for_selector("#case-timeline")
    case = Case.objects.get()
    assert case.abnormal_event_id == event.pk
    add_contact(case, colleague)
    page.reload()
    page.wait_for_selector("#case-chain[data-drawn=true] canvas")
    assert page.get_attribute("#case-chain", "data-nodes") == "2"
    violations.collect("case page")
    screenshot(page, "60-case")

    page.select_option("#id_classification", "excluded")
    page.fill("#id_note", "核酸阴性")
    page.click("#classify-submit")
    page.wait_for_selector(".classification-excluded")
    assert "核酸阴性" in page.inner_text("#classification-history")

    with page.expect_download() as download:
        page.click("#case-export")
    assert download.value.suggested_filename.startswith(f"case-{case.pk}-")
    violations.visit(reverse("cases:list"))
    assert violations.found == []
