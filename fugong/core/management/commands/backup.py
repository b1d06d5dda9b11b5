"""``manage.py backup FILE``: the database and every uploaded file, in one checked archive (see
fugong.core.backup). Run it from a timer; keep archives elsewhere, as the keys are kept apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fugong.core.backup import backup_verify, backup_write, describe
from fugong.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive to write, e.g. /srv/backups/fugong.tar.gz")

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        path = Path(archive)
        if path.exists():
            raise CommandError(f"{path} exists already: choose a new name.")
        try:
            backup_write(path)
            manifest = backup_verify(path)  # read back: an archive that cannot be read is no backup
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"{path}: {describe(manifest)}.")
