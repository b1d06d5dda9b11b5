"""Masking personal data for display: only roles that need the full value see it."""

from __future__ import annotations


def mask_phone(value: str) -> str:
    """138****8000: the first three and last four digits."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_identity_number(value: str) -> str:
    """430602********123X: the county code and the last four characters."""
    value = value or ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
