"""``manage.py import_enterprises FILE``: the same import as the upload page, from a shell."""

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fugong.accounts.models import User
from fugong.core.errors import ApplicationError
from fugong.core.roles import Role
from fugong.enterprises.imports import enterprise_import


class Command(BaseCommand):
    help = (
        "Import enterprises from an xlsx or csv file (the template in docs/import-templates/). "
        "Every row is checked first; if any row is bad nothing is written "
        "and every bad row is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            help="The command post user the import is recorded under "
            "(default: the first active command post user).",
        )

    def handle(self, *args: Any, file: Path, user: str | None = None, **options: Any) -> None:
        actor = self._actor(user)
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open("rb") as handle:
            try:
                report = enterprise_import(actor=actor, upload=File(handle, name=file.name))
            except ApplicationError as error:
                raise CommandError(error.message) from error
        if not report.ok:
            for row_error in report.errors:
                self.stderr.write(f"row {row_error.row} · {row_error.column}: {row_error.message}")
            raise CommandError(
                f"Nothing was imported: {report.bad_rows} of {report.total} rows have problems."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.total} rows: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(role=Role.COMMAND, is_active=True)
        actor = (
            users.filter(username=username).first() if username else users.order_by("pk").first()
        )
        if actor is None:
            raise CommandError(
                "No active command post user"
                + (f" named {username!r}." if username else "; create one first.")
            )
        return actor
