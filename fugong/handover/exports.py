"""Handover lists as xlsx, for the districts' own follow-up."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from fugong.core.crypto import decrypt
from fugong.core.divisions import division_name
from fugong.core.tabular import xlsx_bytes
from fugong.screening.display import reasons_text

from .models import HandoverList, ListKind


def handover_xlsx(
    handover_list: HandoverList,
    *,
    full_phones: bool,
    advance: Callable[[int], object] | None = None,
) -> bytes:
    """The list as a workbook. District liaisons get full phone numbers (they call these
    people); the export is recorded in the audit trail by the caller."""
    entries = handover_list.entries.select_related("worker").order_by("full_name", "id")

    def phone(entry) -> str:
        if full_phones and entry.worker.phone_cipher:
            return decrypt(entry.worker.phone_cipher)
        return entry.phone_masked

    if handover_list.kind == ListKind.REMINDER:
        header = [
            _("Full name"),
            _("Document number"),
            _("Mobile phone"),
            _("District of residence"),
            _("Enterprise"),
            _("Under observation until"),
            _("Why"),
        ]
        rows = (
            [
                entry.full_name,
                entry.document_masked,
                phone(entry),
                division_name(handover_list.district_code),
                entry.enterprise_name,
                entry.observation_until.isoformat() if entry.observation_until else "",
                "；".join(reasons_text(entry.reasons)),
            ]
            for entry in entries
        )
    else:
        header = [
            _("Full name"),
            _("Document number"),
            _("Mobile phone"),
            _("Enterprise"),
            _("Enterprise contact"),
            _("Liaison officer"),
            _("District"),
            _("Under observation until"),
        ]
        rows = (
            [
                entry.full_name,
                entry.document_masked,
                phone(entry),
                entry.enterprise_name,
                entry.enterprise_contact,
                entry.liaison_name,
                division_name(handover_list.district_code),
                entry.observation_until.isoformat() if entry.observation_until else "",
            ]
            for entry in entries
        )
    return xlsx_bytes(str(handover_list.get_kind_display()), header, rows, advance=advance)
