"""Validators for the identifiers people type: credit codes and phone numbers.

Each ``normalize_*`` function cleans what spreadsheets and phones produce (full-width
characters, stray spaces, lower case) and each ``validate_*`` raises Django's ValidationError
with a translated message, so that forms, imports and the API give the same answer.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)


def normalize_text(value: object) -> str:
    """Fold full-width characters to ASCII (NFKC) and strip every kind of space."""
    text = "" if value is None else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def normalize_credit_code(value: object) -> str:
    return normalize_text(value).upper()


def validate_credit_code(value: str) -> None:
    """A unified social credit code (GB 32100): 18 characters with a valid check character."""
    try:
        uscc.validate(normalize_credit_code(value))
    except InvalidLength as error:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="credit_code_length"
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."),
            code="credit_code_checksum",
        ) from error
    except (InvalidFormat, StdnumError) as error:
        raise ValidationError(
            _(
                "This is not a unified social credit code: the first 8 characters are digits, "
                "the rest digits or capital letters other than I, O, Z, S and V."
            ),
            code="credit_code_format",
        ) from error


def normalize_phone(value: object) -> str:
    """Digits of a Chinese phone number, without +86, spaces or dashes."""
    text = normalize_text(value).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def _parse_phone(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(normalize_phone(value), "CN")
    except phonenumbers.NumberParseException:
        return None


def validate_phone(value: str) -> None:
    """A Chinese mobile or landline number (landlines with their area code)."""
    number = _parse_phone(value)
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Enter a valid Chinese phone number: 11 digits for a mobile, "
                "or area code and number."
            ),
            code="phone",
        )


_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile_phone(value: str) -> None:
    """A mainland mobile number: 11 digits, 13x to 19x. (A regular expression rather than
    phonenumbers, because rosters validate a hundred thousand of them at a time.)"""
    if not _MOBILE.match(normalize_phone(value)):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="mobile_phone")
