"""Every resumption page, role by role: the right status, and nothing written when refused."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fugong.core.testing import assert_nothing_written, changed_tables, database_counts
from fugong.resumption.models import ApplicationStatus, ResumptionApplication, Suspension

from .factories import make_application

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "command",
    "liaison",
    "other_liaison",
    "inspector",
    "officer",
    "other_officer",
    "gate",
    "district",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def login(client, park, role):
    if role != "anonymous":
        client.force_login(park.users()[role])


def application_in(park, state):
    return make_application(
        officer=park.officer, liaison=park.liaison, command=park.command, state=state
    )


def today():
    return timezone.localdate()


def item_fields(application, prefix, met="1"):
    data = {}
    for item in application.guide_version.items.all():
        data[f"{prefix}_{item.pk}_met"] = met
        data[f"{prefix}_{item.pk}_note"] = ""
    return data


# (name, state of a's application, method, url, data, {role: status}); roles not listed: 403;
# anonymous is always sent to the login page (302).
CASES = [
    (
        "list",
        "submitted",
        "get",
        lambda a: reverse("resumption:application_list"),
        None,
        {
            "command": 200,
            "liaison": 200,
            "other_liaison": 200,
            "inspector": 200,
            "officer": 200,
            "other_officer": 200,
        },
    ),
    (
        "detail",
        "submitted",
        "get",
        lambda a: reverse("resumption:application_detail", args=[a.pk]),
        None,
        {
            "command": 200,
            "liaison": 200,
            "other_liaison": 404,
            "inspector": 200,
            "officer": 200,
            "other_officer": 404,
        },
    ),
    (
        "edit page",
        "draft",
        "get",
        lambda a: reverse("resumption:application_edit", args=[a.pk]),
        None,
        {"officer": 200, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "edit",
        "draft",
        "post",
        lambda a: reverse("resumption:application_edit", args=[a.pk]),
        lambda a: {
            "planned_date": (today() + timedelta(days=3)).isoformat(),
            "returning_local": 5,
            "returning_outside": 1,
            "masks_on_hand": 1,
            "thermometers_on_hand": 1,
            "oximeters_on_hand": 0,
            "disinfectant_litres_on_hand": "1.5",
        },
        {"officer": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "submit",
        "complete",
        "post",
        lambda a: reverse("resumption:application_submit", args=[a.pk]),
        lambda a: {},
        {"officer": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "verify page",
        "submitted",
        "get",
        lambda a: reverse("resumption:application_verify", args=[a.pk]),
        None,
        {"liaison": 200, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "verify",
        "submitted",
        "post",
        lambda a: reverse("resumption:application_verify", args=[a.pk]),
        lambda a: {**item_fields(a, "check"), "recommendation": "approve", "summary": "到位"},
        {"liaison": 302, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "approve",
        "verified",
        "post",
        lambda a: reverse("resumption:application_approve", args=[a.pk]),
        lambda a: {"resumption_date": today().isoformat()},
        {"command": 302, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "return",
        "verified",
        "post",
        lambda a: reverse("resumption:application_return", args=[a.pk]),
        lambda a: {"rectification_items": "设置观察室\n增加消毒频次"},
        {"command": 302, "other_liaison": 404, "other_officer": 404},
    ),
    (
        "attach",
        "draft",
        "post",
        lambda a: reverse("resumption:attachment_upload", args=[a.pk]),
        lambda a: {"purpose": "prevention_plan", "file": SimpleUploadedFile("方案.pdf", PDF)},
        {"officer": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "photo",
        "submitted",
        "post",
        lambda a: reverse("resumption:attachment_upload", args=[a.pk]),
        lambda a: {"purpose": "verification_photo", "file": SimpleUploadedFile("p.png", png())},
        {"liaison": 302, "other_officer": 404, "other_liaison": 404},
    ),
    (
        "suspend",
        "approved",
        "post",
        lambda a: reverse("resumption:suspend", args=[a.enterprise_id]),
        lambda a: {"reason": "门岗未测温"},
        {"command": 302},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_permission_matrix(client, park, case, role):
    name, state, method, url, data, allowed = case
    application = application_in(park, state)
    login(client, park, role)
    before = database_counts()
    payload = data(application) if data else None
    response = (
        getattr(client, method)(url(application), payload)
        if payload is not None
        else getattr(client, method)(url(application))
    )
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
        assert_nothing_written(before)
        return
    expected = allowed.get(role, 403)
    assert response.status_code == expected, (name, role, response.status_code)
    if method == "post" and expected >= 400:
        assert_nothing_written(before)
    if method == "post" and expected == 302:
        assert changed_tables(before), "an accepted action wrote nothing"


def test_create_page_and_create(client, park):
    client.force_login(park.other_officer)
    assert client.get(reverse("resumption:application_create")).status_code == 200
    response = client.post(
        reverse("resumption:application_create"),
        {
            "planned_date": (today() + timedelta(days=2)).isoformat(),
            "returning_local": 1,
            "returning_outside": 0,
            "masks_on_hand": 0,
            "thermometers_on_hand": 0,
            "oximeters_on_hand": 0,
            "disinfectant_litres_on_hand": 0,
        },
    )
    assert response.status_code == 302
    application = ResumptionApplication.objects.get(enterprise=park.b)
    assert response.url == reverse("resumption:application_edit", args=[application.pk])
    # A second visit goes to the existing application instead of starting another.
    response = client.get(reverse("resumption:application_create"))
    assert response.url == reverse("resumption:application_detail", args=[application.pk])


@pytest.mark.parametrize("role", ["command", "liaison", "inspector", "gate", "district"])
def test_only_officers_start_applications(client, park, role):
    client.force_login(park.users()[role])
    before = database_counts()
    response = client.post(
        reverse("resumption:application_create"), {"planned_date": today().isoformat()}
    )
    assert response.status_code == 403
    assert_nothing_written(before)


def test_the_whole_loop_through_the_pages(client, park):
    # The officer applies.
    client.force_login(park.officer)
    client.post(
        reverse("resumption:application_create"),
        {
            "planned_date": (today() + timedelta(days=1)).isoformat(),
            "returning_local": 50,
            "returning_outside": 5,
            "masks_on_hand": 500,
            "thermometers_on_hand": 2,
            "oximeters_on_hand": 1,
            "disinfectant_litres_on_hand": 20,
        },
    )
    application = ResumptionApplication.objects.get(enterprise=park.a)
    response = client.post(
        reverse("resumption:application_edit", args=[application.pk]),
        {
            "planned_date": (today() + timedelta(days=1)).isoformat(),
            "returning_local": 50,
            "returning_outside": 5,
            "prevention_plan": "方案",
            "emergency_plan": "预案",
            "masks_on_hand": 500,
            "thermometers_on_hand": 2,
            "oximeters_on_hand": 1,
            "disinfectant_litres_on_hand": 20,
            "responsible_person": "张三",
            "commitment_accepted": "on",
            **item_fields(application, "item"),
        },
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("resumption:application_submit", args=[application.pk])).status_code
        == 302
    )
    # The liaison verifies.
    client.force_login(park.liaison)
    response = client.post(
        reverse("resumption:application_verify", args=[application.pk]),
        {
            **item_fields(application, "check"),
            "recommendation": "approve",
            "summary": "现场核查到位",
        },
    )
    assert response.status_code == 302
    # The command post approves.
    client.force_login(park.command)
    response = client.post(
        reverse("resumption:application_approve", args=[application.pk]),
        {
            "resumption_date": (today() + timedelta(days=1)).isoformat(),
            "note": "一企一策",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    page = client.get(
        reverse("resumption:application_detail", args=[application.pk])
    ).content.decode()
    assert 'id="timeline"' in page


def test_submitting_an_incomplete_application_lists_what_is_missing(client, park):
    application = application_in(park, "draft")
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(reverse("resumption:application_submit", args=[application.pk]))
    assert response.status_code == 400
    assert len(response.context["error"].fields["__all__"]) >= 5
    assert_nothing_written(before)


@pytest.mark.parametrize("state", ["approved", "submitted"])
def test_approving_twice_or_unverified_gives_409(client, park, state):
    application = application_in(park, state)
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("resumption:application_approve", args=[application.pk]),
        {"resumption_date": today().isoformat()},
    )
    assert response.status_code == 409
    assert_nothing_written(before)


def test_a_malformed_date_gives_400(client, park):
    application = application_in(park, "verified")
    client.force_login(park.command)
    response = client.post(
        reverse("resumption:application_approve", args=[application.pk]),
        {"resumption_date": "2020-02-30"},
    )
    assert response.status_code == 400


def test_disguised_and_oversize_attachments_are_refused(client, park, settings):
    application = application_in(park, "draft")
    client.force_login(park.officer)
    before = database_counts()
    response = client.post(
        reverse("resumption:attachment_upload", args=[application.pk]),
        {
            "purpose": "prevention_plan",
            "file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert response.status_code == 400
    settings.FUGONG_ATTACHMENT_MAX_BYTES = 10
    response = client.post(
        reverse("resumption:attachment_upload", args=[application.pk]),
        {"purpose": "prevention_plan", "file": SimpleUploadedFile("plan.pdf", PDF)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 413
    assert b"attachment-error" in response.content
    assert_nothing_written(before)


def test_attachments_are_served_only_within_scope(client, park):
    application = application_in(park, "draft")
    client.force_login(park.officer)
    client.post(
        reverse("resumption:attachment_upload", args=[application.pk]),
        {"purpose": "emergency_plan", "file": SimpleUploadedFile("预案.pdf", PDF)},
    )
    attachment = application.attachments.get()
    url = reverse("resumption:attachment_download", args=[application.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(park.other_officer)
    assert client.get(url).status_code == 404
    client.force_login(park.officer)
    response = client.post(
        reverse("resumption:attachment_remove", args=[application.pk, attachment.pk])
    )
    assert response.status_code == 302
    assert not application.attachments.exists()


def test_suspend_and_reinstate_pages(client, park):
    application = application_in(park, "approved")
    client.force_login(park.command)
    assert client.get(reverse("resumption:suspend", args=[park.a.pk])).status_code == 200
    response = client.post(reverse("resumption:suspend", args=[park.a.pk]), {"reason": ""})
    assert response.status_code == 400
    assert (
        client.post(reverse("resumption:suspend", args=[park.a.pk]), {"reason": "停工"}).status_code
        == 302
    )
    assert (
        client.post(
            reverse("resumption:suspend", args=[park.a.pk]), {"reason": "again"}
        ).status_code
        == 409
    )
    response = client.post(
        reverse("resumption:reinstate", args=[park.a.pk]), {"reason": "整改到位"}
    )
    assert response.status_code == 302
    assert Suspension.objects.get(enterprise=application.enterprise).ends_on == today()


@pytest.mark.parametrize("role", ["liaison", "inspector", "officer"])
def test_only_command_reinstates(client, park, role):
    application_in(park, "approved")
    client.force_login(park.command)
    client.post(reverse("resumption:suspend", args=[park.a.pk]), {"reason": "停工"})
    client.force_login(park.users()[role])
    before = database_counts()
    assert (
        client.post(reverse("resumption:reinstate", args=[park.a.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert_nothing_written(before)


def test_another_enterprise_id_in_the_url(client, park):
    application = application_in(park, "draft")
    client.force_login(park.other_officer)
    for name in ("application_detail", "application_edit"):
        assert client.get(reverse(f"resumption:{name}", args=[application.pk])).status_code == 404
    assert client.get(reverse("resumption:application_detail", args=[999999])).status_code == 404
