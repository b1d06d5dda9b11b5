"""The .docx reads back with python-docx: masthead, issue number, sections and content, fonts."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fugong.bulletins import services
from fugong.bulletins.exports import bulletin_docx
from fugong.bulletins.texts import official

from .conftest import draft

pytestmark = pytest.mark.django_db

HEADINGS = (
    "1. Overview of the inspections",
    "2. Main problems found",
    "3. Rectification",
    "4. Good practice",
    "5. Requirements for the next stage",
)


def read(content: bytes):
    document = Document(io.BytesIO(content))
    return document, [paragraph.text for paragraph in document.paragraphs]


def test_published_bulletin_in_the_official_layout(park, period):
    bulletin = draft(park, start=period.start, end=period.end)
    services.bulletin_publish(actor=park.command, bulletin=draft(park))  # takes number 1
    bulletin = services.bulletin_publish(actor=park.command, bulletin=bulletin)
    assert bulletin.number == 2
    document, texts = read(bulletin_docx(bulletin))
    assert texts[0] == official("Epidemic Prevention and Control Command Post of the Park")
    assert texts[1] == official("Supervision bulletin")
    assert texts[2] == official("Issue %(number)s", number=2)
    assert official("(Draft)") not in texts
    # With the Chinese fallback (or the catalogue's translation) these read 督查通报, 第2期, 一、督查概况…
    positions = [texts.index(official(heading)) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert bulletin.title in texts
    body = "\n".join(texts)
    for text in ("卡口未测体温", "未设废弃口罩收集桶", "三道测温关口", park.a.name, park.b.name):
        assert text in body
    # Each section's lines are in the document in order, under their heading.
    overview_at = texts.index(bulletin.overview)
    assert positions[0] < overview_at < positions[1]
    # Red masthead, the rule under the office line, fonts and sizes.
    masthead = document.paragraphs[1].runs[0]
    assert str(masthead.font.color.rgb) == "E60012" and masthead.font.bold
    fonts = masthead._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    body_run = document.paragraphs[overview_at].runs[0]
    assert body_run.font.size == Pt(16)
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "FangSong"
    rule = document.paragraphs[3]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "E60012"
    section = document.sections[0]
    # Stored in twips, so within a twip (635 EMU) of the millimetres.
    for value, millimetres in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(value - Mm(millimetres)) <= 635


def test_a_draft_says_so(park, period):
    bulletin = draft(park, start=period.start, end=period.end)
    _, texts = read(bulletin_docx(bulletin))
    assert texts[2] == official("(Draft)")
    assert not any(text == official("Issue %(number)s", number=1) for text in texts)


def test_chinese_wording_when_the_catalogue_lacks_it():
    """The layout words are English msgids; the document reads in Chinese regardless."""
    assert official("Supervision bulletin") == "督查通报"
    assert official("Issue %(number)s", number=7) == "第7期"
    assert official("1. Overview of the inspections") == "一、督查概况"
    assert official("5. Requirements for the next stage") == "五、下一步工作要求"
