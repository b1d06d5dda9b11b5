"""Login letters (账号开通通知单): one A4 page per new account, with its user name and initial
password, as a Word document the command post prints and hands over.

The passwords exist in plain text only in the memory of the request that created the accounts
and in the document it answers with: nothing here stores or logs them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from .models import User
from .two_factor import two_factor_required

BODY_FONT = "SimSun"  # 宋体
TITLE_FONT = "SimHei"  # 黑体
CODE_FONT = "Consolas"  # the user name and the password: every character distinct
LATIN_FONT = "Arial"


@dataclass(frozen=True)
class NewAccount:
    """A user just created and the initial password chosen for them (kept in memory only)."""

    user: User
    password: str

    def __repr__(self) -> str:  # never show the password in a traceback or a log
        return f"NewAccount(user={self.user.username!r})"


def site_url(request: HttpRequest) -> str:
    """The address printed on the letters: ``FUGONG_SITE_URL``, or the address this request
    reached the system at."""
    return str(settings.FUGONG_SITE_URL or request.build_absolute_uri("/"))


def _font(run: Run, east_asia: str, size: float, *, bold: bool = False) -> None:
    run.font.name = LATIN_FONT if east_asia != CODE_FONT else CODE_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)


def _attachment(user: User) -> tuple[str, str]:
    """The label and the value of what the account belongs to (enterprise or district)."""
    if user.enterprise_id:
        return _("Enterprise"), str(user.enterprise)
    if user.district_code:
        return _("District"), user.district_name
    return _("Enterprise or district"), "—"


def _instructions(user: User) -> list[str]:
    steps = [
        _(
            "Open the address above in a web browser and sign in with your user name and this "
            "initial password."
        ),
        _(
            "At the first sign-in the system asks you to replace the initial password with one "
            "only you know (at least 10 characters). Until then it opens nothing else."
        ),
    ]
    if two_factor_required(user):
        steps.append(
            _(
                "Your role requires two-factor sign-in: after the new password, set up an "
                "authenticator app on your phone (for example Microsoft Authenticator) as the "
                "page shows, and keep the recovery codes it gives you."
            )
        )
    steps.append(
        _(
            "Keep this letter to yourself and destroy it once you have changed the password. "
            "Nobody, the command post included, will ever ask you for your password."
        )
    )
    return steps


def login_letters_docx(accounts: Sequence[NewAccount], *, site_url: str) -> bytes:
    """One letter per account, each on its own page (a page break between them)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    issued = date_format(timezone.localdate(), "DATE_FORMAT")
    for index, account in enumerate(accounts):
        user = account.user
        title = document.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(title.add_run(_("Account opening notice")), TITLE_FONT, 22, bold=True)
        greeting = document.add_paragraph()
        _font(greeting.add_run(_("%(name)s:") % {"name": user.full_name}), BODY_FONT, 14)
        intro = document.add_paragraph()
        _font(
            intro.add_run(
                _(
                    "An account has been opened for you in the park's resumption and prevention "
                    "system. Your details:"
                )
            ),
            BODY_FONT,
            14,
        )
        attachment_label, attachment = _attachment(user)
        rows = [
            (_("Full name"), user.full_name, BODY_FONT),
            (_("Role"), str(user.get_role_display()), BODY_FONT),
            (attachment_label, attachment, BODY_FONT),
            (_("System address"), site_url, CODE_FONT),
            (_("User name"), user.username, CODE_FONT),
            (_("Initial password"), account.password, CODE_FONT),
        ]
        table = document.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for (label, value, font), cells in zip(rows, table.rows, strict=True):
            _font(cells.cells[0].paragraphs[0].add_run(label), BODY_FONT, 13, bold=True)
            _font(cells.cells[1].paragraphs[0].add_run(value), font, 14)
        heading = document.add_paragraph()
        heading.paragraph_format.space_before = Pt(12)
        _font(heading.add_run(_("How to begin")), TITLE_FONT, 14, bold=True)
        for number, step in enumerate(_instructions(user), start=1):
            paragraph = document.add_paragraph()
            _font(paragraph.add_run(f"{number}. {step}"), BODY_FONT, 12)
        footer = document.add_paragraph()
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.paragraph_format.space_before = Pt(24)
        _font(footer.add_run(_("The command post, %(date)s") % {"date": issued}), BODY_FONT, 12)
        if index < len(accounts) - 1:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
