"""A case with its contacts as xlsx, in the layout of a CDC epidemiological investigation form
(流行病学调查表, 流调表): basic information, onset and care, exposure and contact history, and the
list of close contacts (姓名, 性别, 年龄, 证件号, 电话, 关系或接触方式, 末次接触时间, 接触地点,
管控措施). Numbers are masked unless the reader's role may see them in full; every text cell is
escaped against formulas; the caller records the export in the audit trail (``case_export``)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.crypto import decrypt
from fugong.core.divisions import division_name
from fugong.core.identity import birth_date_of
from fugong.core.roles import Action, Role, require, user_can
from fugong.core.tabular import safe_cell
from fugong.workforce.models import DocumentType, Worker

from .models import Case, CaseEntryKind, Contact, ContactStatus
from .services import case_entry_add

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Reveal:
    """Which numbers the reader gets in full. The enterprise officer sees cases masked (the
    issue's rule: their own enterprise's cases and contacts, masked), whatever their rights on
    their own roster."""

    identity: bool
    phone: bool

    @classmethod
    def for_actor(cls, actor: User) -> Reveal:
        if actor.role == Role.ENTERPRISE_OFFICER:
            return cls(identity=False, phone=False)
        return cls(
            identity=user_can(actor, Action.WORKERS_REVEAL_IDENTITY),
            phone=user_can(actor, Action.WORKERS_REVEAL_PHONE),
        )


def _full(cipher: str, masked: str, allowed: bool) -> str:
    if allowed and cipher:
        try:
            return decrypt(cipher)
        except Exception:  # a key rotated away: the mask is still true
            return masked
    return masked


def _sex_and_age(person: Case | Contact, today: date) -> tuple[str, str]:
    """From the worker's record, else from a resident ID (its 17th digit and birth date)."""
    worker: Worker | None = getattr(person, "worker", None)
    sex, age = "", ""
    if worker is not None:
        sex = str(worker.get_sex_display()) if worker.sex else ""
        if worker.birth_year:
            age = str(today.year - worker.birth_year)
    if (not sex or not age) and person.document_type == DocumentType.RESIDENT_ID:
        try:
            number = decrypt(person.document_cipher)
            born = birth_date_of(number)
        except Exception:
            return sex, age
        if not sex:
            sex = _("Male") if int(number[16]) % 2 else _("Female")
        if not age:
            years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            age = str(years)
    return sex, age


RULE_LABELS = {
    "department_shift": "Same department or workshop and shift",
    "dormitory_room": "Same dormitory room",
    "shuttle_route": "Same shuttle-bus route",
    "same_department_shift": "Same department or workshop and shift",
    "same_dormitory_room": "Same dormitory room",
    "same_shuttle_route": "Same shuttle-bus route",
    "same_gate": "Admitted at the same gate",
    "visitor_hosted": "Visitor of the case's department or enterprise",
    "visitors_hosted": "Visitor of the case's department or enterprise",
    "contact_of_contact": "Contact of a confirmed contact",
    "by_hand": "Added by hand",
}
PLACE_KEYS = ("place", "gate", "gate_name", "room", "dormitory_room", "route", "department")
# Evidence that says how the contact was found, not what it was: left out of the text.
HIDDEN_EVIDENCE = ("rule", "level", "via")


def _rule_label(rule: str) -> str:
    label = RULE_LABELS.get(rule)
    return _(label) if label else rule


def reasons_text(contact: Contact) -> str:
    """Every reason of a contact with its evidence, one per line."""
    lines = []
    for reason in contact.reasons or []:
        if not isinstance(reason, dict):
            continue
        evidence = ", ".join(
            f"{key}: {value}"
            for key, value in reason.items()
            if key not in HIDDEN_EVIDENCE and value not in (None, "", [], {})
        )
        label = _rule_label(str(reason.get("rule", "")))
        lines.append(f"{label} ({evidence})" if evidence else label)
    if contact.added_by_hand and not lines:
        lines.append(_rule_label("by_hand"))
    return "\n".join(lines)


def contact_places(contact: Contact) -> str:
    places: list[str] = []
    for reason in contact.reasons or []:
        if isinstance(reason, dict):
            for key in PLACE_KEYS:
                value = reason.get(key)
                if value and str(value) not in places:
                    places.append(str(value))
    return "；".join(places)


def control_measure(contact: Contact) -> str:
    if contact.status == ContactStatus.CONFIRMED:
        if contact.observation_until:
            return _("Medical observation until %(day)s") % {
                "day": contact.observation_until.isoformat()
            }
        return _("Confirmed close contact")
    if contact.status == ContactStatus.DROPPED:
        return _("Dropped: %(reason)s") % {"reason": contact.drop_reason or "—"}
    return _("Being assessed")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def case_xlsx(case: Case, *, reveal: Reveal, today: date | None = None) -> bytes:
    """The 流调表 of ``case``: one sheet, four sections, the contacts' table last."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Investigation")[:31]
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")

    def row(*values: Any, font: Font | None = None) -> None:
        sheet.append([safe_cell(value) for value in values])
        if font is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = font

    def section(title: str) -> None:
        sheet.append([])
        row(title, font=bold)

    def pairs(items: list[tuple[str, Any]]) -> None:
        for label, value in items:
            sheet.append([safe_cell(str(label)), safe_cell(value if value is not None else "")])
            sheet.cell(row=sheet.max_row, column=1).font = bold

    title = _("Epidemiological investigation of case #%(number)s") % {"number": case.pk}
    if case.is_drill:
        title += " — " + _("DRILL")
    row(title, font=title_font)
    row(_("Exported on %(day)s") % {"day": today.isoformat()})

    sex, age = _sex_and_age(case, today)
    section(_("1. Basic information"))
    pairs(
        [
            (_("Name"), case.full_name),
            (_("Sex"), sex),
            (_("Age"), age),
            (_("Document type"), _document_type(case.document_type)),
            (
                _("Document number"),
                _full(case.document_cipher, case.document_masked, reveal.identity),
            ),
            (_("Mobile phone"), _full(case.phone_cipher, case.phone_masked, reveal.phone)),
            (
                _("District of residence"),
                division_name(case.residence_code) if case.residence_code else "",
            ),
            (_("Person"), str(case.get_person_kind_display())),
            (_("Employer"), case.enterprise.name if case.enterprise else ""),
            (_("Department or workshop"), case.department),
        ]
    )
    section(_("2. Onset and medical care"))
    pairs(
        [
            (_("Classification"), str(case.get_classification_display())),
            (_("Classified on"), _day(case.classified_on)),
            (_("Onset of symptoms"), _day(case.onset_on)),
            (_("Sampled on"), _day(case.sampling_on)),
            (_("Isolated on"), _day(case.isolated_on)),
            (
                _("Isolated in"),
                str(case.get_isolation_kind_display()) if case.isolation_kind else "",
            ),
            (_("Place of isolation"), case.isolation_place),
            (_("Source"), str(case.get_source_display())),
            (_("Source details"), case.source_detail),
        ]
    )
    for change in case.classifications.order_by("effective_on", "at", "id"):
        pairs(
            [
                (
                    _("Classification history"),
                    " ".join(
                        (
                            _day(change.effective_on),
                            str(change.get_old_classification_display() or "—"),
                            "→",
                            str(change.get_new_classification_display()),
                            change.note,
                        )
                    ).strip(),
                )
            ]
        )
    section(_("3. Exposure and contact history"))
    exposure: list[tuple[str, Any]] = []
    if case.source_contact_id is not None:
        source = Contact.objects.select_related("case").filter(pk=case.source_contact_id).first()
        if source is not None:
            exposure.append(
                (
                    _("Close contact of case"),
                    f"#{source.case_id} {source.case.full_name}",
                )
            )
            exposure.append((_("Last contact on"), _day(source.last_contact_on)))
            exposure.append((_("Relation or kind of contact"), reasons_text(source)))
    if case.abnormal_event_id is not None and case.abnormal_event is not None:
        event = case.abnormal_event
        exposure.append(
            (
                _("Abnormal event at a gate"),
                f"{timezone.localtime(event.occurred_at):%Y-%m-%d %H:%M} "
                f"{event.get_kind_display()}",
            )
        )
    exposure.append((_("Notes"), case.notes))
    pairs(exposure)

    section(_("4. List of close contacts"))
    header = [
        _("No."),
        _("Name"),
        _("Sex"),
        _("Age"),
        _("Document number"),
        _("Mobile phone"),
        _("Relation or kind of contact"),
        _("Last contact on"),
        _("Place of contact"),
        _("Control measures"),
        _("Level"),
        _("Status"),
    ]
    row(*[str(label) for label in header], font=bold)
    contacts = case.contacts.select_related("worker").order_by("level", "full_name", "pk")
    for number, contact in enumerate(contacts, 1):
        contact_sex, contact_age = _sex_and_age(contact, today)
        row(
            number,
            contact.full_name,
            contact_sex,
            contact_age,
            _full(contact.document_cipher, contact.document_masked, reveal.identity),
            _full(contact.phone_cipher, contact.phone_masked, reveal.phone),
            reasons_text(contact),
            _day(contact.last_contact_on),
            contact_places(contact),
            control_measure(contact),
            contact.level,
            str(contact.get_status_display()),
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    widths = (22, 16, 8, 8, 22, 16, 40, 14, 20, 26, 8, 16)
    for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _document_type(value: str) -> str:
    if value in DocumentType.values:
        return str(DocumentType(value).label)
    return value


def export_name(case: Case) -> str:
    return f"case-{case.pk}-{timezone.localdate():%Y%m%d}.xlsx"


@transaction.atomic
def case_export(*, actor: User, case: Case) -> bytes:
    """The 流调表 for the reader (who found the case through ``case_get``), recorded on the
    case's timeline and in the audit trail with whether numbers were in full."""
    require(actor, Action.CASES_VIEW)
    reveal = Reveal.for_actor(actor)
    content = case_xlsx(case, reveal=reveal)
    contacts = case.contacts.count()
    case_entry_add(
        case=case,
        kind=CaseEntryKind.EXPORTED,
        actor=actor,
        summary=_("Investigation form (xlsx)"),
        data={"contacts": contacts, "full_identity": reveal.identity, "full_phone": reveal.phone},
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CASE_EXPORTED,
        target=case,
        enterprise=case.enterprise,
        summary=f"#{case.pk}",
        data={"contacts": contacts, "full_identity": reveal.identity, "full_phone": reveal.phone},
    )
    return content
