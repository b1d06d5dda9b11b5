"""Security headers on every page: the Content-Security-Policy (django-csp) with no
'unsafe-inline', and the Permissions-Policy; and no template carries what that policy refuses."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The directives exactly (django-csp writes them in no fixed order).
POLICY = {
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def directives(header: str) -> set[str]:
    return {directive.strip() for directive in header.split(";")}


PERMISSIONS = (
    "camera=(self), geolocation=(), microphone=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    "display-capture=()"
)


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_send_the_exact_policies(client, park, signed_in):
    if signed_in:
        client.force_login(park.command)
    response = client.get(reverse("accounts:login") if not signed_in else "/")
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"] == PERMISSIONS


def test_the_api_and_the_kiosk_send_them_too(client, park):
    assert directives(client.get("/api/v1/health")["Content-Security-Policy"]) == POLICY
    client.force_login(park.gate)
    response = client.get(reverse("gate:kiosk"))
    assert response["Permissions-Policy"].startswith("camera=(self),")


TEMPLATE_DIRS = [
    Path(__file__).resolve().parents[2] / "templates",
    *sorted(Path(__file__).resolve().parents[2].glob("*/templates")),
]
REFUSED = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "style block"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for pattern, what in REFUSED:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{template.name}:{line}: {what}")
    assert found == []
