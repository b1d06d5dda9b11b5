"""From a fever at the gate to a contact's follow-up, in Chromium: the gate kiosk re-measures a
worker's fever and raises an abnormal event; the command post opens a suspected case from the
event's page, finds the contacts on the case page and confirms a colleague of the same
department and shift admitted the same day; the gate then denies that colleague (under
observation); their district's handover list shows them; and the follow-up page of their pass
accepts a morning declaration on a phone-sized screen (375×667)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fugong.cases.models import Case, Classification, Contact, ContactStatus, FollowUp
from fugong.gate import services as gate_services
from fugong.gate.models import AbnormalEvent, GateOperator
from fugong.gate.tests.factories import check, make_gate
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .conftest import login
from .test_kiosk import measure, scan, verdict

pytestmark = pytest.mark.django_db(transaction=True)

CASE_SCREENSHOT = "/tmp/outbreak-case.png"


@pytest.fixture
def outbreak(park):
    """李四 (the case to be) and 张三, both of 二车间 on the early shift, both admitted at the
    gate yesterday; 王五 of another workshop, admitted too."""
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    people = {}
    for number, (key, name, department) in enumerate(
        [("case", "李四", "二车间"), ("colleague", "张三", "二车间"), ("other", "王五", "五车间")]
    ):
        worker = make_worker(
            actor=park.officer,
            enterprise=park.a,
            full_name=name,
            department=department,
            shift="早班",
            document_number=resident_id(sequence=80 + number),
        )
        people[key] = (worker, pass_token(pass_issue(actor=park.officer, worker=worker)))
    yesterday = timezone.now() - timedelta(days=1)
    gate_services.gate_checks_record(
        gate=gate,
        items=[
            check(pass_token=token, occurred_at=yesterday + timedelta(minutes=index * 40))
            for index, (_worker, token) in enumerate(people.values())
        ],
    )
    return people


def test_from_a_fever_at_the_gate_to_a_contacts_follow_up(page, browser, park, outbreak):
    case_worker, case_token = outbreak["case"]
    colleague, colleague_token = outbreak["colleague"]
    page.on("dialog", lambda dialog: dialog.accept())

    # The gate: a high reading, re-measured at the threshold or above, is a fever.
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    scan(page, case_token, "李四")
    measure(page, "37.6")
    page.wait_for_selector("#recheck-row:not(.d-none)")
    page.fill("#recheck", "37.8")
    page.click("#confirm")
    page.wait_for_selector("#verdict.denied")
    verdict(page)
    event = AbnormalEvent.objects.get(worker=case_worker)
    gate_services.abnormal_event_step(
        actor=park.command, event=event, action="outcome", outcome="suspected"
    )

    # The command post opens a suspected case from the event's page.
    login(page, "command")
    page.goto(page.base_url + reverse("gate:event", args=[event.pk]))
    page.click("#open-case-from-event")
    page.wait_for_selector("#case-open-form")
    assert page.locator("#id_classification").input_value() == Classification.SUSPECTED
    page.click("#open-case-submit")
    page.wait_for_selector("#case-timeline")
    case = Case.objects.get()
    assert case.abnormal_event_id == event.pk and case.worker_id == case_worker.pk

    # It finds the contacts from the park's records and confirms the colleague.
    page.click("#contacts-find")
    row = page.locator(f"#contacts-section tr[data-contact-id]:has-text('{colleague.full_name}')")
    row.first.wait_for()
    assert page.locator("#contacts-section tr[data-contact-id]:has-text('王五')").count() == 0
    row.first.locator(".contact-confirm").click()
    page.wait_for_selector(
        f"#contacts-section tr[data-contact-id]:has-text('{colleague.full_name}') .text-bg-danger"
    )
    contact = Contact.objects.get(case=case, worker=colleague)
    assert contact.status == ContactStatus.CONFIRMED
    assert any(reason["rule"] == "department_shift" for reason in contact.reasons)
    assert Worker.objects.get(pk=colleague.pk).clearance == Clearance.OBSERVATION
    page.reload()
    page.wait_for_selector("#case-chain[data-drawn=true] canvas")
    page.screenshot(path=CASE_SCREENSHOT, full_page=True)

    # The gate denies the colleague: under observation.
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    scan(page, colleague_token, "张三")
    measure(page, "36.5")
    page.wait_for_selector("#verdict.denied")
    assert "医学观察" in verdict(page)

    # The district of residence sees them on today's handover list.
    login(page, "district")
    page.goto(page.base_url + reverse("handover:list"))
    page.locator("#handover-lists a").first.click()
    page.wait_for_selector("#handover-entries")
    assert colleague.full_name in page.inner_text("#handover-entries")

    # The colleague declares the morning on the phone, from the link of their pass.
    phone_context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    try:
        phone = phone_context.new_page()
        phone.set_default_timeout(15_000)
        phone.goto(page.base_url + f"/passes/{colleague_token}/follow-up/")
        phone.wait_for_selector("#follow-up-form")
        phone.click("label[for=id_period_0]")
        phone.fill("#id_temperature", "36.4")
        phone.click("#follow-up-submit")
        phone.wait_for_selector("#follow-up-done.alert-success")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        phone_context.close()
    follow_up = FollowUp.objects.get(worker=colleague)
    assert follow_up.period == "morning" and not follow_up.abnormal
