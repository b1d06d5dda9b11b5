"""The two halves of scripts/smoke-production (which sets up the environment, nginx and the server).

    python scripts/smoke_production.py setup OUT.json    # in the production environment
    python scripts/smoke_production.py check IN.json BASE_HTTPS BASE_HTTP CA.pem ACCESS.log

``setup`` writes, through the application's services, an enterprise with a gate, a device token
and a worker with a pass; enrols the command post user (made by ``fugong create_user``) in
two-factor sign-in; and saves what ``check`` needs. ``check`` then goes through nginx over HTTPS
as a browser and a gate would, with the standard library only, and fails on the first problem.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import ssl
import struct
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PASSWORD = "smoke-test-Passw0rd-2020"  # noqa: S105 - a throwaway installation's accounts


# ----- setup (inside the application) ----------------------------------------------------------


def totp(key: bytes, step_offset: int = 0, at: float | None = None) -> str:
    """RFC 6238, as django-otp computes it (30-second steps, 6 digits, SHA-1)."""
    counter = int((at if at is not None else time.time()) // 30) + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def setup(out: Path) -> None:
    import csv
    import io

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from fugong.accounts import services as accounts
    from fugong.accounts.models import User
    from fugong.enterprises.services import enterprise_create
    from fugong.gate.services import gate_create, gate_device_create
    from fugong.workforce.imports import COLUMNS, worker_import
    from fugong.workforce.models import WorkerPass
    from fugong.workforce.services import pass_token, passes_issue_missing
    from fugong.workforce.synthetic import roster_rows

    command = User.objects.get(username="smoke-command")
    device = accounts.two_factor_enrolment_start(actor=command)
    accounts.two_factor_enrolment_confirm(actor=command, code=totp(device.bin_key))
    from stdnum.cn import uscc

    body = "91430600MA4L8Y3Q0"
    enterprise = enterprise_create(
        actor=command, name="烟测企业", credit_code=body + uscc.calc_check_digit(body)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    writer.writerows(roster_rows(3, seed=5, today=timezone.localdate()))
    upload = SimpleUploadedFile("roster.csv", buffer.getvalue().encode("utf-8"))
    report = worker_import(actor=command, enterprise=enterprise, upload=upload)
    assert report.ok, report.errors[:3]
    passes_issue_missing(actor=command, enterprise=enterprise, valid_days=30)
    gate = gate_create(actor=command, name="东门", enterprise=enterprise)
    _device, device_token = gate_device_create(actor=command, gate=gate, name="smoke")
    token = pass_token(WorkerPass.objects.filter(worker__enterprise=enterprise).first())
    out.write_text(
        json.dumps(
            {
                "totp_key": base64.b64encode(device.bin_key).decode(),
                "gate_id": gate.pk,
                "device_token": device_token,
                "pass_token": token,
                "command_id": command.pk,
            }
        )
    )


# ----- check (over HTTPS, through nginx) -------------------------------------------------------


class Browser:
    """Cookies, CSRF and the answers, on one host over TLS checked against the smoke test's CA."""

    def __init__(self, base: str, cafile: str) -> None:
        parts = urlsplit(base)
        self.base, self.host, self.port = base, parts.hostname or "", parts.port or 443
        self.context = ssl.create_default_context(cafile=cafile)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=30
        )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.headers, data

    def get(self, path: str, **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base + path,
            "Origin": self.base,
        }
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def csrf_from(self, page: bytes) -> str:
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "no CSRF token in the form"
        return found.group(1).decode()

    def sign_in(self, username: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        status, _, page = self.get("/accounts/login/")
        assert status == 200, f"login page: {status}"
        fields = {
            "csrfmiddlewaretoken": self.csrf_from(page),
            "username": username,
            "password": PASSWORD,
        }
        return self.post_form("/accounts/login/", fields)


def ok(what: str) -> None:
    print(f"  ok  {what}", flush=True)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke test FAILED: {what}")
    ok(what)


def check(data_file: str, base_https: str, base_http: str, cafile: str, access_log: str) -> None:
    data = json.loads(Path(data_file).read_text())
    browser = Browser(base_https, cafile)

    # HTTP → HTTPS.
    parts = urlsplit(base_http)
    plain = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=10)
    plain.request("GET", "/accounts/login/?next=/")
    answer = plain.getresponse()
    expect(
        answer.status == 301
        and (answer.getheader("Location") or "").startswith(base_https + "/accounts/login/"),
        f"http:// redirects to https:// ({answer.status} {answer.getheader('Location')})",
    )

    # Readiness, and nginx's request id passed through.
    status, headers, body = browser.get("/api/v1/health?probe=1")
    health = json.loads(body)
    expect(status == 200 and health["status"] == "ok", f"health {status} {health['status']}")
    expect(health["database"]["status"] == "ok", "health: the database answers")
    request_id = headers.get("X-Request-ID", "")
    expect(bool(re.fullmatch(r"[0-9a-f]{32}", request_id)), f"nginx's request id {request_id!r}")
    hsts = headers.get_all("Strict-Transport-Security") or []
    expect(hsts == ["max-age=31536000; includeSubDomains; preload"], f"one HSTS header: {hsts}")

    # The sign-in page: the security headers.
    status, headers, page = browser.get("/accounts/login/")
    expect(status == 200, "the sign-in page")
    csp = headers.get("Content-Security-Policy", "")
    expect("frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, "CSP")
    expect(headers.get("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options")
    expect(headers.get("Referrer-Policy") == "same-origin", "Referrer-Policy")
    expect(headers.get("X-Frame-Options") == "DENY", "X-Frame-Options")
    expect(len(headers.get_all("Strict-Transport-Security") or []) == 1, "HSTS on pages")
    expect("camera=(self)" in headers.get("Permissions-Policy", ""), "Permissions-Policy")
    expect(
        any("secure" in c.lower() for c in headers.get_all("Set-Cookie") or []),
        "secure cookies",
    )

    # A static file as nginx serves it (the hashed name the page links to).
    script = re.search(rb'src="(/static/fugong/app\.[0-9a-f]{12}\.js)"', page)
    expect(script is not None, "the page links to the hashed app.js")
    assert script is not None
    status, headers, body = browser.get(script.group(1).decode(), **{"Accept-Encoding": "gzip"})
    expect(status == 200 and len(body) > 0, f"static file {status}")
    expect(
        headers.get("Content-Type", "").split(";")[0]
        in ("application/javascript", "text/javascript"),
        f"static content type {headers.get('Content-Type')}",
    )
    expect("immutable" in headers.get("Cache-Control", ""), "static files cached as immutable")
    expect(headers.get("X-Content-Type-Options") == "nosniff", "static: nosniff")
    expect(len(headers.get_all("Strict-Transport-Security") or []) == 1, "static: HSTS")
    status, _, _ = browser.get("/static/no-such-file.js")
    expect(status == 404, "a missing static file is a 404")

    # An inspector signs in with a password alone.
    inspector = Browser(base_https, cafile)
    status, headers, _ = inspector.sign_in("smoke-inspector")
    expect(status == 302, f"inspector sign-in ({status})")
    status, _, _ = inspector.get("/")
    expect(status == 200, "inspector's home page")

    # The command post: password, then the second factor, then the dashboard.
    status, headers, _ = browser.sign_in("smoke-command")
    expect(status == 302, f"command post sign-in with the password ({status})")
    status, headers, _ = browser.get("/reports/")
    expect(
        status == 302 and "/accounts/login/code/" in headers.get("Location", ""),
        f"then the dashboard asks for the code ({status} {headers.get('Location')})",
    )
    status, _, page = browser.get("/accounts/login/code/")
    key = base64.b64decode(data["totp_key"])
    # One step ahead: the enrolment used the current step's code, and a code is never taken
    # twice (django-otp accepts one step of drift).
    fields = {
        "csrfmiddlewaretoken": browser.csrf_from(page),
        "code": totp(key, 1),
        "next": "/reports/",
    }
    status, headers, _ = browser.post_form("/accounts/login/code/", fields)
    expect(status == 302, f"the TOTP code is accepted ({status})")
    status, _, page = browser.get("/reports/")
    expect(status == 200 and b'id="figures"' in page, f"the command post's dashboard ({status})")

    # A gate check with the device token.
    gate = Browser(base_https, cafile)
    body = json.dumps(
        {
            "client_id": str(uuid.uuid4()),
            "mask": True,
            "disinfected": True,
            "temperature": "36.6",
            "spo2": 98,
            "pass_token": data["pass_token"],
        }
    ).encode()
    status, headers, answer = gate.request(
        "POST",
        f"/api/v1/gates/{data['gate_id']}/checks",
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {data['device_token']}"},
    )
    expect(status == 201, f"a gate check with the device token ({status} {answer[:200]!r})")

    # An API error names the request.
    status, headers, answer = gate.get("/api/v1/enterprises")
    error = json.loads(answer)["error"]
    expect(
        status == 401 and error["request_id"] == headers.get("X-Request-ID"),
        "the API's error body carries the request id",
    )

    # The access log: the health request's line, as JSON, without its query string.
    time.sleep(0.5)
    lines = [
        json.loads(line)
        for line in Path(access_log).read_text(errors="replace").splitlines()
        if line.startswith("{")
    ]
    mine = [line for line in lines if line.get("request_id") == request_id]
    expect(len(mine) == 1, f"one access log line for request {request_id}")
    line = mine[0]
    expect(line["path"] == "/api/v1/health" and line["status"] == 200, "path without query")
    expect(line["client"] == "127.0.0.1", f"the client's address behind nginx ({line['client']})")
    signed_in = [entry for entry in lines if entry.get("path") == "/reports/"]
    expect(
        bool(signed_in) and signed_in[-1]["user"] == data["command_id"],
        "the user's id (never the name) on signed-in requests",
    )
    text = Path(access_log).read_text(errors="replace")
    expect(
        "smoke-command" not in text and data["pass_token"] not in text and PASSWORD not in text,
        "no user name, pass token or password in the log",
    )


def main() -> None:
    if sys.argv[1] == "setup":
        setup(Path(sys.argv[2]))
    elif sys.argv[1] == "check":
        check(*sys.argv[2:7])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
