import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fugong.core.testing import PARK_ROLES, assert_nothing_written, database_counts, xlsx_bomb
from fugong.enterprises.models import Enterprise

from .factories import credit_code_for
from .test_imports import good_rows, workbook_upload

pytestmark = pytest.mark.django_db

ROLES = PARK_ROLES

# Expected status of GET on enterprise a's pages, by role.
DETAIL = {
    "command": 200,
    "liaison": 200,
    "other_liaison": 404,
    "inspector": 200,
    "officer": 200,
    "other_officer": 404,
    "gate": 403,
    "district": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_register_edit_and_import_are_for_the_command_post(client, park, role):
    client.force_login(park.users()[role])
    before = database_counts()
    data = {
        "name": "新企业",
        "credit_code": credit_code_for(8000),
        "kind": "industrial",
        "usual_headcount": 5,
        "in_scope": "on",
    }
    create = client.post(reverse("enterprises:create"), data)
    edit = client.post(
        reverse("enterprises:edit", args=[park.a.pk]), {**data, "credit_code": park.a.credit_code}
    )
    template = client.get(reverse("enterprises:import_template"))
    imported = client.post(reverse("enterprises:import"), {"file": workbook_upload(good_rows())})
    if role == "command":
        assert create.status_code == 302
        assert edit.status_code == 302
        assert template.status_code == 200
        assert imported.status_code == 200
        assert Enterprise.objects.filter(credit_code=credit_code_for(8000)).exists()
        assert Enterprise.objects.get(pk=park.a.pk).name == "新企业"
    else:
        assert create.status_code == 403
        assert edit.status_code in (403, 404)
        assert template.status_code == 403
        assert imported.status_code == 403
        assert_nothing_written(before)


def test_create_with_an_invalid_credit_code_shows_the_error(client, park):
    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("enterprises:create"),
        {
            "name": "x",
            "credit_code": "91430600MA4L00001D",
            "kind": "industrial",
            "usual_headcount": 1,
        },
    )
    assert response.status_code == 400
    assert "credit_code" in response.context["form"].errors
    assert_nothing_written(before)


def test_html_in_a_name_is_escaped(client, park):
    client.force_login(park.command)
    client.post(
        reverse("enterprises:edit", args=[park.a.pk]),
        {
            "name": "<script>alert(1)</script>",
            "credit_code": park.a.credit_code,
            "kind": "industrial",
            "usual_headcount": 1,
        },
    )
    body = client.get(reverse("enterprises:detail", args=[park.a.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_import_page_reports_bad_rows_with_400(client, park):
    client.force_login(park.command)
    rows = good_rows() + [["坏", "123", "工业", "是", "否", 1, "", ""]]
    before = database_counts()
    response = client.post(reverse("enterprises:import"), {"file": workbook_upload(rows)})
    assert response.status_code == 400
    assert response.context["report"].errors[0].row == 5
    assert_nothing_written(before)
    response = client.post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("x.xlsx", b"not a file")}
    )
    assert response.status_code == 400


def test_import_page_refuses_a_decompression_bomb_with_400(client, park):
    from django.utils import translation

    from fugong.core.import_limits import suspicious_workbook

    client.force_login(park.command)
    before = database_counts()
    response = client.post(
        reverse("enterprises:import"), {"file": SimpleUploadedFile("e.xlsx", xlsx_bomb())}
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        assert response.context["form"].non_field_errors() == [suspicious_workbook().message]
    assert_nothing_written(before)
