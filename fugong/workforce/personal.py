"""Turning typed ID and phone numbers into what the database keeps: ciphertext, a keyed digest
to find them, and a masked form to show."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from stdnum.cn import ric

from fugong.core.crypto import document_digest, encrypt, phone_digest
from fugong.core.divisions import all_divisions
from fugong.core.identity import birth_date_of, parse_resident_id, validate_other_document
from fugong.core.privacy import mask_identity_number, mask_phone
from fugong.core.validators import normalize_phone, validate_mobile_phone

from .models import DocumentType

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class Document:
    document_type: str
    number: str
    birth_date: date | None
    sex: str
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", document_digest(self.document_type, self.number))

    def stored(self, *, cipher: str | None = None) -> dict:
        """The worker's document columns; ``cipher``: the number already encrypted (an import
        encrypts its new numbers together, see ``crypto.encrypt_many``)."""
        return {
            "document_type": self.document_type,
            "document_cipher": encrypt(self.number) if cipher is None else cipher,
            "document_digest": self.digest,
            "document_masked": mask_identity_number(self.number),
            "birth_year": self.birth_date.year if self.birth_date else None,
            "sex": self.sex,
        }


def parse_document(document_type: str, raw: object, *, today: date | None = None) -> Document:
    """A checked document number, or a ValidationError with the reason."""
    if document_type == DocumentType.RESIDENT_ID:
        fast = _resident_id_fast(raw, today or date.today())
        if fast is not None:
            return fast
        resident = parse_resident_id(raw, today=today)
        return Document(document_type, resident.number, resident.birth_date, resident.sex)
    if document_type in (DocumentType.PASSPORT, DocumentType.OTHER):
        return Document(document_type, validate_other_document(raw), None, "")
    raise ValidationError("Unknown document type.", code="document_type")


def _resident_id_fast(raw: object, today: date) -> Document | None:
    """The common case of a roster, a clean and valid 18-character number, checked without the
    normalising and the messages of ``parse_resident_id``; None sends anything else there."""
    if raw.__class__ is not str or len(raw) != 18 or not raw[:17].isdigit():
        return None
    number = raw if raw[17] != "x" else raw[:17] + "X"
    if number[17] not in "0123456789X" or ric.calc_check_digit(number) != number[17]:
        return None
    try:
        birth = birth_date_of(number)
    except ValueError:
        return None
    if birth > today or birth.year < 1900 or number[:6] not in all_divisions():
        return None
    return Document(DocumentType.RESIDENT_ID, number, birth, "M" if int(number[16]) % 2 else "F")


def parse_phone(raw: object) -> str:
    """The normalised mobile number ('' for none), or a ValidationError."""
    if raw.__class__ is str and len(raw) == 11 and _MOBILE.match(raw):
        return raw
    text = normalize_phone(raw if raw is not None else "")
    if not text:
        return ""
    validate_mobile_phone(text)
    return text


def stored_phone(number: str, *, cipher: str | None = None) -> dict:
    """The worker's phone columns; ``cipher`` as for ``Document.stored``."""
    if not number:
        return {"phone_cipher": "", "phone_digest": "", "phone_masked": ""}
    return {
        "phone_cipher": encrypt(number) if cipher is None else cipher,
        "phone_digest": phone_digest(number),
        "phone_masked": mask_phone(number),
    }
