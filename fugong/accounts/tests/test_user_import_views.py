"""The accounts import's page and API, the login letters, and the first sign-in's password."""

from __future__ import annotations

import io
import re
from base64 import b64decode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from docx import Document

from fugong.accounts import services
from fugong.accounts.letters import NewAccount, login_letters_docx
from fugong.accounts.models import User
from fugong.core.testing import assert_nothing_written, database_counts

from .test_user_import import park_rows, upload
from .two_factor import code_for

pytestmark = pytest.mark.django_db
ROLES = ["command", "liaison", "inspector", "officer", "gate", "district"]
PASSWORD = "correct-horse-battery"


def _letters(document_bytes: bytes) -> list[str]:
    """The text of each page of the letters (split at the page breaks)."""
    document = Document(io.BytesIO(document_bytes))
    pages, current = [], []
    for block in document.element.body.iterchildren():
        text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
        current.append(text)
        if any(
            node.tag.endswith("}br") and node.get(f"{{{block.nsmap['w']}}}type") == "page"
            for node in block.iter()
        ):
            pages.append("\n".join(current))
            current = []
    pages.append("\n".join(current))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_the_import_page_by_role(client, park, role):
    client.force_login(park.users()[role])
    expected = 200 if role == "command" else 403
    assert client.get(reverse("accounts:user_import")).status_code == expected
    assert client.get(reverse("accounts:user_import_template")).status_code == expected
    file = upload(park_rows(park))
    before = database_counts()
    response = client.post(reverse("accounts:user_import"), {"file": file})
    if role == "command":
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        assert b'id="letters-link"' in response.content
        href = re.search(rb'href="data:[^;]+;base64,([^"]+)"', response.content).group(1)
        assert len(_letters(b64decode(href))) == 6
        assert User.objects.filter(username="zhoumin", must_change_password=True).exists()
    else:
        assert response.status_code == 403
        assert_nothing_written(before)


def test_the_page_lists_every_bad_row_and_writes_nothing(client, park):
    client.force_login(park.command)
    rows = [["x", "甲", "厂长"], ["y", "乙", "企业防疫专员"]]
    before = database_counts()
    response = client.post(reverse("accounts:user_import"), {"file": upload(rows)})
    assert response.status_code == 400
    assert response.content.count(b"<tr><td>") == 2 and b"letters-link" not in response.content
    assert_nothing_written(before)


@pytest.mark.parametrize("role", ROLES)
def test_the_import_api_by_role(client, park, role):
    client.force_login(park.users()[role])
    rows = park_rows(park)
    before = database_counts()
    response = client.post("/api/v1/users/import", {"file": upload(rows)})
    if role == "command":
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["created"], body["updated"], body["unchanged"]) == (6, 0, 0)
        assert body["letters"]["accounts"] == 6
        assert response["Cache-Control"] == "no-store"
        pages = _letters(b64decode(body["letters"]["base64"]))
        assert len(pages) == 6
        # again: nothing created, no letters
        again = client.post("/api/v1/users/import", {"file": upload(rows)}).json()
        assert (again["created"], again["unchanged"], again["letters"]) == (0, 6, None)
    else:
        assert response.status_code == 403
        assert_nothing_written(before)


def test_the_api_rejects_a_bad_file_with_its_report(client, park):
    client.force_login(park.command)
    rows = [["same", "甲", "督查人员"], ["same", "乙", "督查人员"]]
    before = database_counts()
    response = client.post("/api/v1/users/import", {"file": upload(rows)})
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "import_rejected"
    assert body["report"]["errors"] == [
        {"row": 3, "column": "用户名", "message": body["report"]["errors"][0]["message"]}
    ]
    assert_nothing_written(before)
    empty = client.post("/api/v1/users/import", {"file": upload([])})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_file"


def test_one_letter_per_page_with_the_accounts_details(park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    accounts = [
        NewAccount(user=park.officer, password="abcd-EFGH-3467"),
        NewAccount(user=park.district, password="wxyz-KLMN-8934"),
        NewAccount(user=park.gate, password="pqrs-TWXY-6789"),
    ]
    pages = _letters(login_letters_docx(accounts, site_url="https://fugong.example.cn/"))
    assert len(pages) == 3
    for page, account in zip(pages, accounts, strict=True):
        user = account.user
        for text in (user.full_name, user.username, account.password, "https://fugong.example.cn/"):
            assert text in page
        assert str(user.get_role_display()) in page
        # no other account's password on this page
        assert [a.password for a in accounts if a.password in page] == [account.password]
    assert park.a.name in pages[0] and park.district.district_name in pages[1]
    # the officer's role requires two-factor sign-in, the gate operator's does not
    assert "two-factor" in pages[0].lower() or "双因素" in pages[0]
    assert not ("two-factor" in pages[2].lower() or "双因素" in pages[2])
    assert "abcd-EFGH-3467" not in repr(accounts[0])


def test_the_letters_show_the_site_setting_or_the_requests_address(client, park, settings):
    client.force_login(park.command)
    settings.FUGONG_SITE_URL = ""
    body = client.post("/api/v1/users/import", {"file": upload(park_rows(park)[:1])}).json()
    assert "http://testserver/" in _letters(b64decode(body["letters"]["base64"]))[0]


# ----- the first sign-in: the user's own password first ------------------------------------


def _must_change(user: User) -> User:
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    return user


def test_a_user_with_an_initial_password_can_only_change_it(client, park):
    _must_change(park.inspector)
    client.post(reverse("accounts:login"), {"username": "inspector", "password": PASSWORD})
    response = client.get(reverse("overview:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:password_required"))
    assert client.get(reverse("accounts:my_account")).status_code == 302
    assert client.post(reverse("accounts:token_create"), {"name": "x"}).status_code == 302
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["error"]["code"] == "password_change_required"
    assert client.get(reverse("accounts:password_required")).status_code == 200
    # a wrong current password changes nothing
    response = client.post(
        reverse("accounts:password_required"),
        {"current_password": "nope", "password": "my-own-secret-9", "confirm": "my-own-secret-9"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("accounts:password_required"),
        {"current_password": PASSWORD, "password": "my-own-secret-9", "confirm": "my-own-secret-9"},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=park.inspector.pk)
    assert not user.must_change_password and user.check_password("my-own-secret-9")
    assert client.get(reverse("overview:home")).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_api_tokens_are_not_stopped(client, park):
    _token, secret = services.api_token_create(actor=park.inspector, name="script")
    _must_change(park.inspector)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    # with the session too, the token decides
    client.force_login(User.objects.get(pk=park.inspector.pk))
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_password_first_then_the_two_factor_enrolment(client, park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    _must_change(park.officer)
    client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
    response = client.get(reverse("overview:home"))
    assert response.url.startswith(reverse("accounts:password_required"))
    client.post(
        reverse("accounts:password_required"),
        {"current_password": PASSWORD, "password": "my-own-secret-9", "confirm": "my-own-secret-9"},
    )
    response = client.get(reverse("overview:home"))
    assert response.url == reverse("accounts:my_account") + "#two-factor"


def test_the_second_factor_comes_before_the_password_change(client, park, settings):
    settings.FUGONG_REQUIRE_TWO_FACTOR = True
    device = TOTPDevice.objects.create(user=park.command, name="default", confirmed=True)
    User.objects.filter(pk=park.command.pk).update(
        two_factor_enabled=True, must_change_password=True
    )
    client.post(reverse("accounts:login"), {"username": "command", "password": PASSWORD})
    response = client.get(reverse("overview:home"))
    assert response.url.startswith(reverse("accounts:two_factor_verify"))
    assert client.get(reverse("accounts:password_required")).status_code == 302
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    response = client.get(reverse("overview:home"))
    assert response.url.startswith(reverse("accounts:password_required"))


def test_a_reset_or_a_created_user_must_change_the_password(park):
    services.user_set_password(actor=park.command, user=park.inspector, password="reset-by-cp-77")
    assert User.objects.get(pk=park.inspector.pk).must_change_password
    user = services.user_create(
        actor=park.command,
        password="given-by-cp-77",
        username="fresh",
        full_name="新人",
        role="inspector",
    )
    assert user.must_change_password


@pytest.mark.parametrize("role", ROLES)
def test_the_password_required_page_by_role(client, park, role):
    """Any role may have an initial password: each reaches the page and sets their own; a user
    without one is sent on, and nothing is written."""
    user = park.users()[role]
    client.force_login(user)
    before = database_counts()
    response = client.get(reverse("accounts:password_required"))
    assert response.status_code == 302
    assert_nothing_written(before)
    _must_change(user)
    assert client.get(reverse("accounts:password_required")).status_code == 200
    response = client.post(
        reverse("accounts:password_required"),
        {"current_password": PASSWORD, "password": "my-own-secret-9", "confirm": "my-own-secret-9"},
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).must_change_password
