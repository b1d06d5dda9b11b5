"""``manage.py new_data_key``: a fresh 256-bit key for FUGONG_DATA_KEYS or FUGONG_LOOKUP_KEY."""

from typing import Any

from django.core.management.base import BaseCommand

from fugong.core.crypto import new_key


class Command(BaseCommand):
    help = "Print a new random key (base64) for the data or lookup key settings."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())
