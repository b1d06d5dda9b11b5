"""Registering a visitor at the gate: their details checked and the visitor built (unsaved),
with the Person the verdict judges.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fugong.core.crypto import encrypt
from fugong.core.divisions import division_get
from fugong.core.errors import ApplicationError
from fugong.core.privacy import mask_phone
from fugong.core.text import normalize_name
from fugong.workforce.personal import parse_document, parse_phone

from .. import rules
from ..models import Gate, Visitor
from .inputs import VisitorInput

if TYPE_CHECKING:
    from .judging import _Days


def _visitor(
    gate: Gate, data: VisitorInput, day: date, days: _Days
) -> tuple[Visitor, rules.Person]:
    errors: dict[str, list[str]] = {}
    name = normalize_name(data.full_name)
    if not name:
        errors["visitor.full_name"] = [_("Enter the visitor's name.")]
    try:
        document = parse_document(data.document_type, data.document_number)
    except ValidationError as error:
        errors["visitor.document_number"] = error.messages
        document = None
    try:
        phone = parse_phone(data.phone)
    except ValidationError as error:
        errors["visitor.phone"] = error.messages
        phone = ""
    origin = division_get((data.origin or "").strip())
    if origin is None:
        from django.conf import settings

        from fugong.core.divisions import division_code_from_text

        code = division_code_from_text(
            data.origin or "", prefer_prefix=settings.FUGONG_PARK_CITY_PREFIX
        )
        origin = division_get(code) if code else None
    if origin is None:
        errors["visitor.origin"] = [
            _("Where is the visitor coming from? Give a place or its code.")
        ]
    if not (data.purpose or "").strip():
        errors["visitor.purpose"] = [_("Give the purpose of the visit.")]
    if errors:
        raise ApplicationError(
            next(iter(errors.values()))[0], code="invalid_visitor", fields=errors
        )
    # A number that could not be read and an unknown origin are in ``errors``.
    assert document is not None and origin is not None
    visitor = Visitor(
        full_name=name[:100],
        document_type=document.document_type,
        document_cipher=document.stored()["document_cipher"],
        document_digest=document.digest,
        document_masked=document.stored()["document_masked"],
        phone_cipher=encrypt(phone) if phone else "",
        phone_masked=mask_phone(phone) if phone else "",
        origin_code=origin.code,
        employer=(data.employer or "").strip()[:200],
        purpose=data.purpose.strip()[:200],
        host=(data.host or "").strip()[:100],
        contact_history=(data.contact_history or "").strip()[:300],
        passed_risk_area=bool(data.passed_risk_area),
        gate=gate,
    )
    person = rules.Person(
        registered=True,
        kind="visitor",
        contact_history=bool(visitor.contact_history),
        risk_origin=visitor.passed_risk_area or days.risky_origin(origin.code, day),
    )
    return visitor, person
