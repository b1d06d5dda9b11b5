"""``manage.py rotate_data_keys``: re-encrypt personal data with the current data key, and
(``--lookup``) recompute the lookup digests with the current lookup key.

To rotate the data key: put the new key first in FUGONG_DATA_KEYS (keep the old one after it),
restart, run this command, then remove the old key. To rotate the lookup key: set the new
FUGONG_LOOKUP_KEY, run this command with ``--lookup`` straight away (searches by number miss
until it has run), restart.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from fugong.core.bulk import bulk_update_rows
from fugong.core.crypto import data_keys, decrypt, encrypt, key_id_of
from fugong.workforce.models import Worker
from fugong.workforce.personal import document_digest, phone_digest


class Command(BaseCommand):
    help = "Re-encrypt ID and phone numbers with the current key (--lookup: recompute digests)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lookup", action="store_true", help="Also recompute the lookup digests."
        )

    @transaction.atomic
    def handle(self, *args, lookup: bool = False, **options):
        from fugong.gate.models import Visitor

        workers = rotate(Worker, lookup=lookup, phone_digests=True)
        # Visitors registered at the gates carry the same kinds of numbers.
        visitors = rotate(Visitor, lookup=lookup, phone_digests=False)
        done = " and re-digested" if lookup else ""
        self.stdout.write(f"{workers} workers and {visitors} visitors re-encrypted{done}.")


def rotate(model, *, lookup: bool, phone_digests: bool) -> int:
    """Re-encrypt (and with ``lookup`` re-digest) one model's ID and phone numbers."""
    current, _keys = data_keys()
    updates = []
    for row_id, document_type, document, phone in model.objects.values_list(
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
