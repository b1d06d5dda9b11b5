"""What a confirmed close contact causes (observation, clearance, the district's list).

Placeholder on the ``cases-contacts`` branch: the consequences helper (``cases-consequences``)
fills this module; ``contact_services.contact_confirm`` calls it inside its transaction.
"""

from __future__ import annotations

from fugong.accounts.models import User

from .models import Contact


def contact_confirmed_consequences(*, actor: User, contact: Contact) -> None:
    """The consequences of confirming ``contact`` (filled by the consequences helper)."""
    return None
