"""Helpers the test suites share: row counts to prove that a refused request wrote nothing."""

from __future__ import annotations

from django.apps import apps

# The users of the shared ``park`` fixture (see conftest.py), for role-by-role tests.
PARK_ROLES = [
    "command",
    "liaison",
    "other_liaison",
    "inspector",
    "officer",
    "other_officer",
    "gate",
    "district",
]

OUR_APPS = (
    "accounts",
    "audit",
    "enterprises",
    "guide",
    "resumption",
    "workforce",
    "screening",
    "handover",
    "gate",
    "reports",
    "inspections",
    "bulletins",
)


def database_counts() -> dict[str, int]:
    """How many rows each of the project's tables holds."""
    counts = {}
    for app_label in OUR_APPS:
        for model in apps.get_app_config(app_label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def changed_tables(before: dict[str, int]) -> dict[str, tuple[int, int]]:
    after = database_counts()
    return {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }


def assert_nothing_written(before: dict[str, int]) -> None:
    changed = changed_tables(before)
    assert not changed, f"a refused request wrote rows: {changed}"


def xlsx_bomb(unpacked_megabytes: int = 64) -> bytes:
    """A small xlsx whose sheet unpacks to ``unpacked_megabytes`` of one repeated row: a
    decompression bomb, made here so that no such file is committed."""
    import io
    import zipfile

    buffer = io.BytesIO()
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = row * (1024 * 1024 // len(row))
            for _ in range(unpacked_megabytes):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
