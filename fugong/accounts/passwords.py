"""Initial passwords: chosen by the system for someone else (an imported user, ``create_user``),
handed over on paper, and changed at the first sign-in."""

from __future__ import annotations

import secrets

# No look-alikes (0/O/o, 1/l/I, 5/S, 2/Z, u/v): read off a printed letter and typed by hand.
ALPHABET = "abcdefghjkmnpqrstwxyABCDEFGHJKLMNPQRTWXY346789"
GROUPS = 3
GROUP_LENGTH = 4


def initial_password_generate() -> str:
    """Twelve characters in three groups of four (``k7Fm-9xQa-3pRt``): about 66 bits from
    ``secrets``, beyond any online guessing, and easy to copy from paper. It contains at least one
    letter, so Django's password validators (length, numeric, common) accept it."""
    while True:
        groups = [
            "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
        ]
        password = "-".join(groups)
        if any(character.isalpha() for character in password):
            return password
