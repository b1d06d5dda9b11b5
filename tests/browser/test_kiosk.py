"""The gate kiosk in Chromium: a routine admission, a re-measurement, then the network drops.

Offline the kiosk keeps deciding from its copy of the gate's passes and queues its checks in
IndexedDB; when the network returns they are sent, and every one arrives once and only once —
also when the answer to the first upload is lost on the way back and the kiosk sends again.
Each offline check carries the stamp of the copy it was decided from: a fresh copy's verdicts
stand, a copy too old has its checks judged again by the server.
"""

import itertools
from decimal import Decimal

import pytest

from fugong.gate import rules
from fugong.gate.models import AbnormalEvent, GateCheck, GateOperator
from fugong.gate.tests.factories import make_gate
from fugong.workforce.models import Clearance, Worker
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kiosk_park(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    names = ["赵一", "钱二", "孙三", "李四", "周五"]
    workers = [
        make_worker(
            actor=park.officer,
            enterprise=park.a,
            full_name=name,
            document_number=resident_id(sequence=60 + index),
        )
        for index, name in enumerate(names)
    ]
    Worker.objects.filter(pk=workers[4].pk).update(clearance=Clearance.NOT_CLEARED)
    tokens = [pass_token(pass_issue(actor=park.officer, worker=worker)) for worker in workers]
    return gate, workers, tokens


def scan(page, token: str, name: str) -> None:
    page.fill("#scan", token)
    page.press("#scan", "Enter")
    page.wait_for_selector(f"#person-name:has-text('{name}')")


def measure(page, temperature: str, spo2: str = "98", *, mask: bool = True) -> None:
    if not mask:
        page.click("label[for=mask]")
    page.fill("#temperature", temperature)
    page.fill("#spo2", spo2)
    page.click("#confirm")


def verdict(page) -> str:
    page.wait_for_selector("#verdict:not(.d-none)")
    text = page.inner_text("#verdict")
    page.click("#next")
    page.wait_for_selector("#verdict.d-none", state="attached")
    return text


def queued(page) -> str:
    return page.inner_text("#queue-state")


def test_the_kiosk_online_then_offline_then_back(page, park, kiosk_park):
    _gate, workers, tokens = kiosk_park
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    page.wait_for_selector("#snapshot-state:has-text('离线数据更新于')")

    # Online: a routine admission is the scan, two readings and one confirmation.
    scan(page, tokens[0], "赵一")
    measure(page, "36.5")
    page.wait_for_selector("#verdict.admitted")
    screenshot(page, "20-kiosk-admitted")
    assert "准入" in verdict(page)
    # A high forehead reading asks for a second measurement before any verdict.
    scan(page, tokens[1], "钱二")
    measure(page, "37.6")
    page.wait_for_selector("#recheck-row:not(.d-none)")
    assert "复测" in page.inner_text("#recheck-hint")
    screenshot(page, "21-kiosk-recheck")
    page.fill("#recheck", "37.8")
    page.click("#confirm")
    page.wait_for_selector("#verdict.denied")
    screenshot(page, "22-kiosk-fever")
    assert "观察室" in verdict(page)
    assert AbnormalEvent.objects.get().worker == workers[1]
    # A typo is caught before anything is sent.
    scan(page, tokens[2], "孙三")
    measure(page, "365")
    page.wait_for_selector("#check-error:not(.d-none)")
    assert "不是体温读数" in page.inner_text("#check-error")
    page.fill("#temperature", "36.6")
    page.click("#confirm")
    assert "准入" in verdict(page)
    assert GateCheck.objects.count() == 3

    # The network drops.
    page.context.set_offline(True)
    page.wait_for_selector("#network-state:has-text('离线')")
    scan(page, tokens[3], "李四")
    measure(page, "36.4")
    text = verdict(page)
    assert "准入" in text and "离线判定" in text
    scan(page, tokens[4], "周五")  # not cleared: the offline copy knows
    measure(page, "36.5")
    assert "未通过返岗排查" in verdict(page)
    scan(page, tokens[0], "赵一")
    measure(page, "36.7", mask=False)
    page.wait_for_selector("#verdict.denied")
    screenshot(page, "23-kiosk-offline-denied")
    assert "未戴口罩" in verdict(page)
    scan(page, "FG1.forged.token", "未找到")
    measure(page, "36.5")
    assert "复工码无效" in verdict(page)
    assert "4 条待上传" in queued(page)
    assert GateCheck.objects.count() == 3  # nothing reached the server

    # The first upload reaches the server but its answer is lost: the kiosk must send again.
    lost = []

    def lose_the_answer(route):
        route.fetch()  # the server stores the batch...
        lost.append(route.request.url)
        route.abort()  # ...and the kiosk never hears back

    page.route("**/checks/batch", lose_the_answer)
    page.context.set_offline(False)
    for _attempt in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost, "the kiosk did not try to upload when the network returned"
    assert GateCheck.objects.count() == 7
    assert "4 条待上传" in queued(page)  # still queued: no answer, no removal
    page.unroute("**/checks/batch")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#queue-state:has-text('0 条待上传')")
    screenshot(page, "24-kiosk-synced")

    # Every check arrived once and only once, with the verdict the kiosk showed.
    assert GateCheck.objects.count() == 7
    offline = GateCheck.objects.filter(offline=True).order_by("occurred_at")
    assert [(check.worker_id, check.verdict) for check in offline] == [
        (workers[3].pk, "admitted"),
        (workers[4].pk, "denied"),
        (workers[0].pk, "denied"),
        (None, "denied"),
    ]
    assert offline[3].reasons == [rules.PASS_UNKNOWN]
    # Decided from a fresh copy, whose signed stamp came back with each check: trusted.
    assert all(check.snapshot_at is not None for check in offline)
    assert {(check.server_verdict, check.disputed) for check in offline} == {("", False)}
    # Reloading the page (which syncs again) changes nothing.
    page.reload()
    page.wait_for_selector("#queue-state:has-text('0 条待上传')")
    assert GateCheck.objects.count() == 7


def test_visitors_online_and_offline(page, park, kiosk_park):
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    page.wait_for_selector("#snapshot-state:has-text('离线数据更新于')")
    # A mistyped ID number is caught before the checks.
    page.click("#visitor-button")
    page.fill("#v-name", "供货商")
    good = resident_id(sequence=78)
    page.fill("#v-number", good[:-1] + ("0" if good[-1] != "0" else "1"))
    page.fill("#v-origin", "火星")
    page.fill("#v-purpose", "送货")
    page.click("#visitor-continue")
    page.wait_for_selector("#visitor-error:not(.d-none)")
    assert "校验" in page.inner_text("#visitor-error")
    # What only the server knows (an unknown place) brings the registration back with the reason.
    page.fill("#v-number", good)
    page.click("#visitor-continue")
    measure(page, "36.5")
    page.wait_for_selector("#visitor-form:not(.d-none) #visitor-error:not(.d-none)")
    assert "来源地" in page.inner_text("#visitor-error")
    assert not GateCheck.objects.exists()
    page.fill("#v-origin", "岳阳楼区")
    page.click("label[for=v-risk]")  # declares passing through a risk area
    page.click("#visitor-continue")
    measure(page, "36.5")
    assert "风险地区" in verdict(page)
    assert GateCheck.objects.get().visitor.passed_risk_area
    # The next visitor starts from an empty form.
    page.click("#visitor-button")
    assert page.input_value("#v-name") == "" and page.input_value("#v-number") == ""
    # The page itself opens without the network: the service worker keeps it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#snapshot-state:has-text('离线数据更新于')")
    page.click("#visitor-button")
    page.wait_for_selector("#network-state:has-text('离线')")
    page.click("#visitor-button")
    page.fill("#v-name", "送货司机")
    page.fill("#v-number", resident_id(sequence=77))
    page.fill("#v-phone", "13600001111")
    page.fill("#v-origin", "430602")
    page.fill("#v-purpose", "送防疫物资")
    screenshot(page, "25-kiosk-visitor")
    page.click("#visitor-continue")
    measure(page, "36.3")
    assert "准入" in verdict(page)
    # A place only the server can judge: admitted at the gate, refused on upload, and listed.
    page.click("#visitor-button")
    page.fill("#v-name", "外星司机")
    page.fill("#v-number", resident_id(sequence=79))
    page.fill("#v-origin", "火星")
    page.fill("#v-purpose", "送货")
    page.click("#visitor-continue")
    measure(page, "36.4")
    verdict(page)
    page.context.set_offline(False)
    page.wait_for_selector("#queue-state:has-text('0 条待上传')")
    check = GateCheck.objects.get(offline=True)
    assert check.visitor.full_name == "送货司机" and check.verdict == "admitted"
    page.wait_for_selector("#rejected-state:has-text('1 条被服务器拒收')")
    page.click("#rejected-state")
    page.wait_for_selector("#rejected-panel:not(.d-none)")
    assert "外星司机" in page.inner_text("#rejected-list") and "来源地" in page.inner_text(
        "#rejected-list"
    )
    screenshot(page, "26-kiosk-refused")
    page.click("#rejected-clear")
    page.wait_for_selector("#rejected-state.d-none", state="attached")


def test_the_kiosks_rules_are_the_servers(page, park, kiosk_park):
    """decide() in kiosk.js gives the same answers as fugong/gate/rules.py, case by case."""
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    people = [
        rules.Person(registered=True, kind="worker", clearance="cleared", enterprise_id=1),
        rules.Person(registered=True, kind="worker", clearance="observation", enterprise_id=1),
        rules.Person(registered=True, kind="worker", clearance="not_cleared", enterprise_id=2),
        rules.Person(registered=False),
        rules.Person(registered=False, pass_problem=rules.PASS_REVOKED),
        rules.Person(registered=True, kind="visitor", contact_history=True, risk_origin=True),
        rules.Person(registered=True, kind="visitor"),
        # The training rule: untrained at the first admission, untrained admitted before, and
        # untrained with another reason to deny.
        rules.Person(
            registered=True,
            kind="worker",
            clearance="cleared",
            enterprise_id=1,
            trained=False,
            first_admission=True,
        ),
        rules.Person(
            registered=True,
            kind="worker",
            clearance="cleared",
            enterprise_id=1,
            trained=False,
            first_admission=False,
        ),
        rules.Person(
            registered=True,
            kind="worker",
            clearance="not_cleared",
            enterprise_id=1,
            trained=False,
            first_admission=True,
        ),
    ]
    cases = []
    for (
        mask,
        disinfected,
        temperature,
        recheck,
        spo2,
        person,
        gate_enterprise,
        training,
    ) in itertools.product(
        (True, False),
        (True, False),
        (None, "36.5", "37.3", "37.9"),
        (None, "37.2", "37.3"),
        (None, 93, 94),
        people,
        (1, None),
        (rules.TRAINING_OFF, rules.TRAINING_WARN, rules.TRAINING_DENY),
    ):
        readings = rules.Readings(
            mask=mask,
            disinfected=disinfected,
            temperature=Decimal(temperature) if temperature else None,
            temperature_recheck=Decimal(recheck) if recheck else None,
            spo2=spo2,
        )
        expected = rules.decide(
            readings,
            person,
            gate_enterprise_id=gate_enterprise,
            thresholds=rules.Thresholds(training=training),
        )
        cases.append(
            {
                "readings": {
                    "mask": mask,
                    "disinfected": disinfected,
                    "temperature": temperature,
                    "temperature_recheck": recheck,
                    "spo2": spo2,
                },
                "person": person.__dict__,
                "gate": gate_enterprise,
                "training": training,
                "expected": {
                    "admitted": expected.admitted,
                    "reasons": list(expected.reasons),
                    "warnings": list(expected.warnings),
                    "abnormal": bool(expected.abnormal),
                },
            }
        )
    differences = page.evaluate(
        """(cases) => cases.map((item) => {
            const got = window.fugongKioskDecide(item.readings, item.person, item.gate, {fever: "37.3", spo2: 93, training: item.training});
            return JSON.stringify(got) === JSON.stringify(item.expected) ? null : {item, got};
        }).filter(Boolean)""",
        cases,
    )
    assert len(cases) > 8000
    assert any(case["expected"]["warnings"] for case in cases)
    assert any("untrained" in case["expected"]["reasons"] for case in cases)
    assert differences == []


def test_an_offline_copy_too_old_is_said_and_judged_again(page, park, kiosk_park, settings):
    """Past the age the server allows (2 seconds here), the kiosk says its copy is too old, and
    the server judges its offline checks again: a worker held since the copy was made, admitted
    by the kiosk, is recorded admitted and flagged."""
    settings.FUGONG_GATE_OFFLINE_MAX_AGE = 2
    _gate, workers, tokens = kiosk_park
    login(page, "gate")
    page.goto(page.base_url + "/gate/kiosk/")
    page.wait_for_selector("#snapshot-state:has-text('离线数据更新于')")
    assert "text-danger" not in page.get_attribute("#snapshot-state", "class")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#snapshot-state:has-text('离线数据更新于')")
    Worker.objects.filter(pk=workers[0].pk).update(clearance=Clearance.NOT_CLEARED)
    page.context.set_offline(True)
    page.wait_for_timeout(2500)
    page.reload()  # opened again from the service worker's cache, with the copy it keeps
    page.wait_for_selector("#snapshot-state.text-danger")
    scan(page, tokens[0], "赵一")  # cleared, as far as the copy knows
    measure(page, "36.5")
    assert "准入" in verdict(page)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#queue-state:has-text('0 条待上传')")
    check = GateCheck.objects.get(offline=True)
    assert (check.verdict, check.server_verdict, check.server_reasons, check.disputed) == (
        "admitted",
        "denied",
        [rules.NOT_CLEARED],
        True,
    )
