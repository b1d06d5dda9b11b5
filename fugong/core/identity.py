"""Identity document numbers: the resident ID (GB 11643) and other documents.

A resident ID is 6 digits of county code, 8 of birth date, 3 of sequence (odd for men) and a check
character (ISO 7064 MOD 11-2, 10 written X). python-stdnum computes the check character and parses
the birth date; the county code is checked against the division table *at any date*, because the
code in force when the number was assigned stays in the number after the county is renamed,
merged or recoded (stdnum's own ``validate`` rejects those, see its issue #442).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from .divisions import division_exists
from .validators import normalize_text

_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_OTHER_DOCUMENT = re.compile(r"^[A-Z0-9]{5,20}$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class ResidentId:
    number: str
    county_code: str
    birth_date: date
    sex: str  # "M" or "F"


def normalize_identity_number(value: object) -> str:
    """Full-width digits folded, spaces removed, a lower-case x made upper case."""
    return normalize_text(value).upper()


def spreadsheet_mangled(value: object) -> bool:
    """True when a spreadsheet turned the ID into a number (4.30602E+17, or lost digits)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return bool(_SCIENTIFIC.match(normalize_identity_number(value)))


MANGLED_MESSAGE = _(
    "The spreadsheet turned this ID number into a number and lost digits (e.g. 4.30602E+17). "
    "Format the ID column as Text (or type an apostrophe first) and enter the numbers again."
)


def possibly_truncated(number: str) -> bool:
    """True for an 18-digit resident ID ending in 000: a spreadsheet that held the number as a
    number kept only its first 15 significant digits and wrote zeros after them, and about one
    such number in eleven still passes the check character. A real number may end in 000 (the
    sequence 000 does not exist, but 00 plus a check character 0 does), so this is a warning
    that the officer lifts by checking the ID card, not a refusal."""
    return len(number) == 18 and number.endswith("000")


SUSPICIOUS_MESSAGE = _(
    "This ID number ends in 000: a spreadsheet may have replaced its last digits with zeros. "
    "Check it against the ID card, then confirm that you have."
)


def birth_date_of(number: str) -> date:
    """The birth date digits (7th to 14th) as a date, exactly as ``stdnum.cn.ric.get_birth_date``
    reads them (a test holds the two equal) but without its per-call clean-up of the string,
    which an import of a hundred thousand numbers already normalised pays for a second time."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def parse_resident_id(value: object, *, today: date | None = None) -> ResidentId:
    """The parts of a valid resident ID, or a ValidationError saying what is wrong."""
    if spreadsheet_mangled(value):
        raise ValidationError(MANGLED_MESSAGE, code="id_mangled")
    number = normalize_identity_number(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("First-generation 15-digit ID numbers are no longer valid; enter the 18 digits."),
            code="id_first_generation",
        )
    if len(number) != 18:
        raise ValidationError(_("A resident ID number has 18 characters."), code="id_length")
    if not _RESIDENT_ID.match(number):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."), code="id_format"
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("The check character of this resident ID number is wrong; check for a typo."),
            code="id_checksum",
        )
    try:
        birth_date = birth_date_of(number)
    except ValueError as error:
        raise ValidationError(
            _("The birth date in this resident ID number does not exist."), code="id_birth_date"
        ) from error
    today = today or date.today()
    if birth_date > today or birth_date.year < 1900:
        raise ValidationError(
            _("The birth date in this resident ID number is impossible."), code="id_birth_date"
        )
    if not division_exists(number[:6]):
        raise ValidationError(
            _("The first six digits are not an administrative division code, at any date."),
            code="id_county",
        )
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, county_code=number[:6], birth_date=birth_date, sex=sex)


def validate_other_document(value: object) -> str:
    """A passport or other travel document number: 5 to 20 letters and digits."""
    if spreadsheet_mangled(value):
        raise ValidationError(MANGLED_MESSAGE, code="id_mangled")
    number = normalize_identity_number(value)
    if not _OTHER_DOCUMENT.match(number):
        raise ValidationError(
            _("A document number is 5 to 20 letters and digits."), code="document_format"
        )
    return number
