"""``manage.py import_workers --enterprise CREDIT_CODE FILE``: the roster import from a shell."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from fugong.accounts.models import User
from fugong.core.errors import ApplicationError
from fugong.core.roles import Role
from fugong.core.validators import normalize_credit_code
from fugong.enterprises.models import Enterprise
from fugong.workforce.imports import worker_import


class Command(BaseCommand):
    help = (
        "Import an enterprise's roster from xlsx or csv (template in docs/import-templates/). "
        "Every row is checked first; if any row is bad nothing is written "
        "and every bad row is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--enterprise", required=True, help="The enterprise's credit code.")
        parser.add_argument(
            "--user", help="The command post user to record (default: the first active one)."
        )
        parser.add_argument(
            "--numbers-checked",
            action="store_true",
            help="Resident IDs ending in 000 (perhaps cut by a spreadsheet) were checked against "
            "the ID cards: take them (refused otherwise).",
        )

    def handle(
        self,
        *args,
        file: Path,
        enterprise: str,
        user: str | None = None,
        numbers_checked: bool = False,
        **options,
    ):
        users = User.objects.filter(role=Role.COMMAND, is_active=True)
        actor = users.filter(username=user).first() if user else users.order_by("pk").first()
        if actor is None:
            raise CommandError(
                "No active command post user" + (f" named {user!r}." if user else ".")
            )
        target = Enterprise.objects.filter(credit_code=normalize_credit_code(enterprise)).first()
        if target is None:
            raise CommandError(f"No enterprise has the credit code {enterprise}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open("rb") as handle:
            try:
                report = worker_import(
                    actor=actor,
                    enterprise=target,
                    upload=File(handle, name=file.name),
                    numbers_checked=numbers_checked,
                )
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
                f"{report.moved} taken on again, {report.unchanged} unchanged; "
                f"{report.clearance_changed} clearances changed."
            )
        )
        if report.checked_numbers:
            rows = ", ".join(str(number) for number in report.checked_numbers)
            self.stdout.write(f"Taken as checked (ID numbers ending in 000): rows {rows}.")
