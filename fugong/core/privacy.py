"""Masking personal data for display: only roles that need the full value see it.

A mask must hide the number against everything else a role can see. A resident ID's digits
7–14 are the holder's birth date, so a mask that keeps the county code and the last four
characters, shown beside a birth date, gives the whole number away. The masks below therefore
keep only the end of a number (never the part that other fields repeat), and the birth date is
kept as a birth year only (see fugong.workforce.personal). What each role sees is listed in
docs/architecture.md ("What each role sees of a person").
"""

from __future__ import annotations

RESIDENT_ID_LENGTH = 18
# At most this many characters of a document number are shown, and never more than a third of
# it: a 9-character passport shows 3, and 6 characters always stay hidden.
DOCUMENT_VISIBLE_CHARACTERS = 4


def mask_phone(value: str) -> str:
    """138****8000: the first three (the carrier's prefix) and last four digits; the four in
    the middle, 10,000 possibilities, are shown nowhere else."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def visible_document_characters(length: int) -> int:
    """How many trailing characters of a document number of ``length`` characters are shown."""
    return min(DOCUMENT_VISIBLE_CHARACTERS, length // 3)


def mask_identity_number(value: str) -> str:
    """**************123X: the last four characters of a resident ID (the end of the sequence
    number and the check character), the rest hidden; shorter documents show at most a third of
    their characters (E12345678 → ******678)."""
    value = value or ""
    shown = visible_document_characters(len(value))
    return "*" * (len(value) - shown) + (value[-shown:] if shown else "")
