"""The 流调表 export: its sections, the contacts' table, numbers in full only for the roles that
may see them, formulas escaped, audited."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fugong.audit.models import AuditAction, AuditEvent
from fugong.cases.models import CaseEntryKind
from fugong.core.crypto import decrypt

from .pages_fixtures import *  # noqa: F403 (the fixtures)
from .pages_fixtures import add_contact

pytestmark = pytest.mark.django_db


def _cells(client, case) -> list[list[str]]:
    response = client.get(reverse("cases:export", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="case-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def _text(rows) -> str:
    return "\n".join("\t".join(row) for row in rows)


def _contact_rows(rows) -> list[list[str]]:
    """The rows after the contacts' header (its first cell is the row number)."""
    start = next(index for index, row in enumerate(rows) if row[0] in ("No.", "序号"))
    return rows[start + 1 :]


def test_the_command_post_gets_every_section_and_full_numbers(client, park, case, contact, worker):
    client.force_login(park.command)
    rows = _cells(client, case)
    text = _text(rows)
    # The four sections' headings, numbered "1." in English and "一、" in Chinese.
    for headings in (("1.", "一、"), ("2.", "二、"), ("3.", "三、"), ("4.", "四、")):
        assert any(row[0].startswith(headings) for row in rows), headings
    assert decrypt(worker.document_cipher) in text
    assert decrypt(worker.phone_cipher) in text
    (line,) = _contact_rows(rows)
    assert line[1] == "张三"
    assert line[4] == decrypt(contact.document_cipher)
    assert line[5] == decrypt(contact.phone_cipher)
    assert "二车间" in line[6] and line[8] == "二车间"  # the reason's evidence, the place
    assert line[7] == contact.last_contact_on.isoformat()
    assert contact.observation_until.isoformat() in line[9]
    assert line[2] in ("男", "女", "Male", "Female") and line[3].isdigit()


def test_a_liaison_gets_phones_and_an_officer_only_masks(client, park, case, contact, worker):
    client.force_login(park.liaison)
    text = _text(_cells(client, case))
    assert decrypt(worker.phone_cipher) in text
    assert decrypt(worker.document_cipher) not in text and worker.document_masked in text
    client.force_login(park.officer)
    text = _text(_cells(client, case))
    for cipher in (worker.document_cipher, worker.phone_cipher, contact.phone_cipher):
        assert decrypt(cipher) not in text
    assert worker.document_masked in text and contact.phone_masked in text


def test_the_export_is_audited_and_on_the_timeline(client, park, case, contact):
    client.force_login(park.officer)
    _cells(client, case)
    event = AuditEvent.objects.get(action=AuditAction.CASE_EXPORTED)
    assert event.actor == park.officer and event.data["full_identity"] is False
    assert case.entries.filter(kind=CaseEntryKind.EXPORTED).count() == 1


def test_formulas_are_escaped(client, park, case, colleague):
    add_contact(
        case,
        colleague,
        full_name='=HYPERLINK("http://evil")',
        reasons=[{"rule": "same_gate", "gate": "+cmd|' /C calc'!A0"}],
    )
    client.force_login(park.command)
    rows = _contact_rows(_cells(client, case))
    assert rows[0][1].startswith("'=") and rows[0][8].startswith("'+")


def test_a_case_without_contacts_and_a_drill(client, park, worker, today):
    from fugong.cases import services

    drill = services.case_open(
        actor=park.command,
        classification="confirmed",
        worker_id=worker.pk,
        onset_on=today,
        is_drill=True,
    )
    client.force_login(park.command)
    rows = _cells(client, drill)
    assert "DRILL" in rows[0][0] or "演练" in rows[0][0]
    assert _contact_rows(rows) == []
