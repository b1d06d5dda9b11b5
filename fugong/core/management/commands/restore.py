"""``manage.py restore FILE [--force]``: restore an archive made by ``backup`` onto this
installation — an empty one (a fresh ``migrate``), unless ``--force``. The archive is checked
whole first: a damaged or truncated one changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fugong.core.backup import backup_restore, describe
from fugong.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Restore a backup archive onto an empty installation (--force: onto one with data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="replace the data this installation holds"
        )

    def handle(self, *args: Any, archive: str, force: bool = False, **options: Any) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            manifest = backup_restore(path, force=force)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"Restored {describe(manifest)}.")
