"""A supervision bulletin as a Word document in the official layout (督查通报).

The layout follows the usual form of a government bulletin (GB/T 9704 where it applies): A4 with
37/35/28/26 mm margins; a red masthead (the issuing command post and 督查通报), the issue number
(第N期, or （草稿） for a draft), the issuing office and the date, a red rule; the title
centred; the five sections under 黑体 headings; the body in 仿宋 三号 (16 pt) on a 28 pt line with
a two-character first-line indent. The Chinese font names are set as the East Asian fonts
(``w:rFonts/@w:eastAsia``), so that Word and LibreOffice use them for the Chinese text.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .models import Bulletin, BulletinStatus
from .texts import official, official_date

RED = RGBColor(0xE6, 0x00, 0x12)
BODY_FONT = "FangSong"  # 仿宋
TITLE_FONT = "SimSun"  # 宋体 (小标宋 where installed is substituted by the reader)
HEADING_FONT = "SimHei"  # 黑体
LATIN_FONT = "Times New Roman"
BODY_SIZE = 16  # 三号
LINE = Pt(28)
# A4, with the official margins.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
LEFT_MARGIN, RIGHT_MARGIN = Mm(28), Mm(26)

SECTIONS = (
    ("1. Overview of the inspections", "overview"),
    ("2. Main problems found", "problems"),
    ("3. Rectification", "rectification"),
    ("4. Good practice", "good_practice"),
    ("5. Requirements for the next stage", "requirements"),
)


def _font(run, east_asia: str, size: float, *, bold: bool = False, color=None) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(
    document,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_SIZE,
    bold: bool = False,
    color=None,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    line=LINE,
    before: float = 0,
    after: float = 0,
):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    if line is not None:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = line
    layout.space_before = Pt(before)
    layout.space_after = Pt(after)
    if indent:
        layout.first_line_indent = Pt(size * 2)
    if text:
        _font(paragraph.add_run(text), font, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph) -> None:
    """A red line under the paragraph (the rule under the masthead)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")  # eighths of a point: 2.25 pt
    bottom.set(qn("w:space"), "6")
    bottom.set(qn("w:color"), str(RED))
    borders.append(bottom)
    properties.append(borders)


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_SIZE)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    document.core_properties.language = "zh-CN"


def bulletin_paragraphs(bulletin: Bulletin) -> int:
    """How many paragraphs of text the document has (what its writing time grows with)."""
    return sum(
        1
        for _heading, field in SECTIONS
        for line in (getattr(bulletin, field) or "").splitlines()
        if line.strip()
    )


def bulletin_docx(bulletin: Bulletin, *, advance: Callable[[int], object] | None = None) -> bytes:
    """The bulletin as a .docx in the official layout, its words in Chinese. ``advance(n)``
    is called after each paragraph of text (a background job's progress)."""
    document = Document()
    _setup(document)
    text_width = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN

    _paragraph(
        document,
        official("Epidemic Prevention and Control Command Post of the Park"),
        font=TITLE_FONT,
        size=22,
        bold=True,
        color=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=None,
        after=6,
    )
    _paragraph(
        document,
        official("Supervision bulletin"),
        font=TITLE_FONT,
        size=48,
        bold=True,
        color=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=None,
        after=12,
    )
    if bulletin.status == BulletinStatus.PUBLISHED and bulletin.number:
        number = official("Issue %(number)s", number=bulletin.number)
    else:
        number = official("(Draft)")
    _paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)

    issued = (
        timezone.localdate(bulletin.published_at) if bulletin.published_at else timezone.localdate()
    )
    office_line = _paragraph(document, "", align=WD_ALIGN_PARAGRAPH.LEFT, line=None, after=0)
    office_line.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    _font(office_line.add_run(official("Office of the Command Post")), BODY_FONT, BODY_SIZE)
    _font(office_line.add_run("\t" + official_date(issued)), BODY_FONT, BODY_SIZE)
    _red_rule(office_line)

    _paragraph(
        document,
        bulletin.title,
        font=TITLE_FONT,
        size=22,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(36),
        before=24,
        after=18,
    )
    written = 0
    for heading, field in SECTIONS:
        _paragraph(document, official(heading), font=HEADING_FONT, bold=True, indent=True)
        for line in (getattr(bulletin, field) or "").splitlines():
            if line.strip():
                _paragraph(document, line.strip(), indent=True)
                written += 1
                if advance is not None:
                    advance(written)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bulletin_file_name(bulletin: Bulletin) -> str:
    if bulletin.number:
        return f"bulletin-{bulletin.year}-{bulletin.number:02d}.docx"
    return f"bulletin-draft-{bulletin.pk}.docx"
