"""A roster with one bad row: the report names it, nothing is written; fixed, it imports."""

import pytest

from fugong.workforce.models import Worker
from fugong.workforce.tests.test_imports import good_rows, upload

from .conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_with_a_bad_row_then_fixed(page, park, tmp_path):
    rows = good_rows()
    good_number = rows[1][2]
    rows[1][2] = good_number[:-1] + (
        "0" if good_number[-1] != "0" else "1"
    )  # a typo in the check character
    bad_file = tmp_path / "花名册.xlsx"
    bad_file.write_bytes(upload(rows).read())
    rows[1][2] = good_number
    fixed_file = tmp_path / "花名册-改.xlsx"
    fixed_file.write_bytes(upload(rows).read())

    login(page, "officer")
    page.get_by_role("link", name="员工名册").click()
    page.get_by_role("link", name="导入花名册").click()
    page.set_input_files("#id_file", str(bad_file))
    page.click("#roster-import-button")
    page.wait_for_selector("#roster-errors")
    errors = page.inner_text("#roster-errors")
    assert "3" in errors and "证件号码" in errors and "校验" in errors
    assert "未导入" in page.inner_text("#roster-result")
    screenshot(page, "10-roster-import-report")
    assert not Worker.objects.exists()

    page.set_input_files("#id_file", str(fixed_file))
    page.click("#roster-import-button")
    page.wait_for_selector("#roster-result.alert-success")
    screenshot(page, "11-roster-imported")
    assert Worker.objects.filter(enterprise=park.a).count() == 3
    page.get_by_role("link", name="查看花名册").click()
    page.wait_for_selector("#workers")
    table = page.inner_text("#workers")
    assert "张一" in table and good_number not in table
    screenshot(page, "12-roster")
