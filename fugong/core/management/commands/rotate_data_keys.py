"""``manage.py rotate_data_keys``: re-encrypt personal data with the current data key, and
(``--lookup``) recompute the lookup digests with the current lookup key.

To rotate the data key: put the new key first in FUGONG_DATA_KEYS (keep the old one after it),
restart, run this command, then remove the old key. To rotate the lookup key: set the new
FUGONG_LOOKUP_KEY, run this command with ``--lookup`` straight away (searches by number miss
until it has run), restart.

Every model with encrypted numbers is rotated: those with the columns of a person's numbers
(``document_type``, ``document_cipher``, ``document_digest``, ``phone_cipher``, and
``phone_digest`` where numbers are searched by phone) — today the workers and the visitors
registered at the gates. They are found through Django's app registry, so the command (in core)
imports no app and a new app that keeps numbers the same way is rotated too.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from fugong.core.bulk import Row, bulk_update_rows
from fugong.core.crypto import (
    data_keys,
    decrypt,
    document_digest,
    encrypt,
    key_id_of,
    phone_digest,
)

PERSON_NUMBER_COLUMNS = {"document_type", "document_cipher", "document_digest", "phone_cipher"}


def models_with_numbers() -> list[type[models.Model]]:
    """The models that keep a person's numbers encrypted, in a stable order."""
    found = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        if names >= PERSON_NUMBER_COLUMNS:
            found.append(model)
    return sorted(found, key=lambda model: model._meta.label)


class Command(BaseCommand):
    help = "Re-encrypt ID and phone numbers with the current key (--lookup: recompute digests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--lookup", action="store_true", help="Also recompute the lookup digests."
        )

    @transaction.atomic
    def handle(self, *args: Any, lookup: bool = False, **options: Any) -> None:
        done = " and re-digested" if lookup else ""
        for model in models_with_numbers():
            has_phone_digest = any(
                field.name == "phone_digest" for field in model._meta.concrete_fields
            )
            count = rotate(model, lookup=lookup, phone_digests=has_phone_digest)
            self.stdout.write(f"{model._meta.label}: {count} re-encrypted{done}.")


def rotate(model: type[models.Model], *, lookup: bool, phone_digests: bool) -> int:
    """Re-encrypt (and with ``lookup`` re-digest) one model's ID and phone numbers."""
    current, _keys = data_keys()
    updates: list[Row] = []
    # The default manager: the model's ``objects`` (none of these models declares another).
    for row_id, document_type, document, phone in model._default_manager.values_list(
        "id", "document_type", "document_cipher", "phone_cipher"
    ).iterator(chunk_size=5000):
        stale = key_id_of(document) != current or (phone and key_id_of(phone) != current)
        if not stale and not lookup:
            continue
        number = decrypt(document)
        mobile = decrypt(phone) if phone else ""
        row = [
            row_id,
            encrypt(number) if key_id_of(document) != current else document,
            (encrypt(mobile) if mobile and key_id_of(phone) != current else phone),
            document_digest(document_type, number),
        ]
        if phone_digests:
            row.append(phone_digest(mobile) if mobile else "")
        updates.append(tuple(row))
    if updates:
        fields = ["document_cipher", "phone_cipher", "document_digest"]
        bulk_update_rows(model, [*fields, "phone_digest"] if phone_digests else fields, updates)
    return len(updates)
