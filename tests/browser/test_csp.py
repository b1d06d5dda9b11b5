"""The Content-Security-Policy in Chromium: every role's main pages, the dashboard's charts with
a tooltip, the gate kiosk, the API documentation and a worker's pass page run without one
violation (no inline script or style is refused), and behaviour that was inline (the language
menu) still works."""

import pytest
from django.urls import reverse

from fugong.gate.models import GateOperator
from fugong.gate.tests.factories import make_gate
from fugong.workforce.models import Worker
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

# Injected by the browser before any of the page's scripts (so the policy does not apply to it).
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked=${event.blockedURI} at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""


class Violations:
    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(self.page.base_url + path)
        assert response is not None and response.status < 500, path
        assert response.headers.get("content-security-policy"), path
        self.page.wait_for_load_state("networkidle")
        self.collect(path)

    def collect(self, where: str) -> None:
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.found.append(f"{where}: {violation}")
        self.page.evaluate("window.__cspViolations = []")


def main_pages(page) -> list[str]:
    """The menu's pages of the signed-in user, and their account menu's."""
    links = page.eval_on_selector_all(
        "#main-nav a.nav-link, #main-nav a.dropdown-item",
        "links => links.map(link => link.getAttribute('href'))",
    )
    return [link for link in dict.fromkeys(links) if link and link.startswith("/")]


@pytest.fixture
def kiosk_and_pass(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    worker = make_worker(
        actor=park.officer,
        enterprise=park.a,
        full_name="赵一",
        document_number=resident_id(sequence=70),
    )
    return pass_token(pass_issue(actor=park.officer, worker=worker))


def test_no_page_violates_the_content_security_policy(page, park, kiosk_and_pass):
    violations = Violations(page)
    violations.visit("/accounts/login/")
    visited = 0
    for username in ("command", "liaison", "inspector", "officer", "district", "gate"):
        login(page, username)
        violations.collect(f"{username}: sign-in")
        for path in main_pages(page):
            violations.visit(path)
            visited += 1
    assert visited > 20  # the menus were found

    # The dashboard's charts, with a tooltip shown (drawn on the canvas, not as HTML).
    login(page, "command")
    violations.visit(reverse("reports:dashboard"))
    page.wait_for_selector("#chart-on-duty[data-drawn=true] canvas")
    box = page.locator("#chart-on-duty canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    violations.collect("dashboard tooltip")

    # The kiosk, with a pass scanned.
    login(page, "gate")
    violations.visit("/gate/kiosk/")
    page.fill("#scan", kiosk_and_pass)
    page.press("#scan", "Enter")
    page.wait_for_selector("#person-name:has-text('赵一')")
    violations.collect("kiosk scan")

    # The API's interactive documentation (django-ninja's Swagger UI, served from static files).
    violations.visit("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    violations.collect("API docs")

    # The pass page a worker opens on a phone (no sign-in).
    page.context.clear_cookies()
    violations.visit(f"/passes/{kiosk_and_pass}/")
    page.wait_for_selector("#pass-qr svg")

    assert violations.found == []


def test_the_language_menu_switches_without_an_inline_handler(page, park):
    violations = Violations(page)
    login(page, "command")
    page.select_option("#language-select", "en")
    page.wait_for_selector("html[lang=en]")
    violations.collect("language switch")
    assert violations.found == []


def test_a_confirmation_asks_first_without_an_inline_handler(page, park, kiosk_and_pass):
    worker = Worker.objects.get(full_name="赵一")
    violations = Violations(page)
    login(page, "officer")
    violations.visit(reverse("workforce:detail", args=[worker.pk]))
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="登记离职").click()
    page.wait_for_timeout(300)
    worker.refresh_from_db()
    assert len(questions) == 1 and worker.enterprise_id == park.a.pk  # "Cancel": nothing sent
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="登记离职").click()
    page.wait_for_load_state("networkidle")
    worker.refresh_from_db()
    assert len(questions) == 2 and worker.enterprise_id is None
    violations.collect("worker left")
    assert violations.found == []
