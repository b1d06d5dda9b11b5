"""``manage.py summary_rebuild [--check]``: recompute the kept per-day summary (the enterprises'
attribute history and their resumption periods) from the records of truth and rewrite what
differs; with ``--check``, only report the differences and exit non-zero if there are any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fugong.enterprises.history import enterprise_history_differences
from fugong.resumption.periods import resumption_period_differences


class Command(BaseCommand):
    help = "Recompute the kept per-day summary from the records (--check: only compare)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report the differences without writing; exit 1 if there are any.",
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        with transaction.atomic():
            differences = enterprise_history_differences(repair=not check)
            differences += resumption_period_differences(repair=not check)
        for line in differences[:200]:
            self.stdout.write(line)
        if len(differences) > 200:
            self.stdout.write(f"… and {len(differences) - 200} more")
        if check and differences:
            raise CommandError(f"the kept summary differs in {len(differences)} places")
        verb = "found" if check else "rebuilt"
        self.stdout.write(f"summary {verb}: {len(differences)} difference(s)")
