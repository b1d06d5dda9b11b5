import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fugong.core.testing import assert_nothing_written, database_counts
from fugong.enterprises.models import Enterprise

from .factories import credit_code_for
from .test_imports import good_rows, workbook_upload

pytestmark = pytest.mark.django_db


def write(tmp_path, rows):
    path = tmp_path / "enterprises.xlsx"
    path.write_bytes(workbook_upload(rows).read())
    return path


def test_import_from_the_command_line(park, tmp_path):
    path = write(tmp_path, good_rows())
    output = io.StringIO()
    call_command("import_enterprises", str(path), stdout=output)
    assert "3 created" in output.getvalue()
    assert Enterprise.objects.filter(credit_code=credit_code_for(9001)).exists()
    output = io.StringIO()
    call_command("import_enterprises", str(path), "--user", "command", stdout=output)
    assert "3 unchanged" in output.getvalue()


def test_bad_rows_fail_the_command_and_write_nothing(park, tmp_path):
    path = write(tmp_path, good_rows() + [["坏", "123", "工业", "是", "否", 1, "", ""]])
    before = database_counts()
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path), stdout=io.StringIO(), stderr=errors)
    assert "row 5" in errors.getvalue()
    assert_nothing_written(before)


def test_unknown_user_or_file(park, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(tmp_path / "missing.xlsx"))
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(write(tmp_path, good_rows())), "--user", "liaison")
