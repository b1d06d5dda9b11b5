"""Recompute the counts of workers on duty from the gate checks, or check that they agree."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from fugong.gate.attendance import attendance_check, attendance_rebuild


class Command(BaseCommand):
    help = (
        "Recompute workers on duty per day and enterprise from the gate checks (after a bulk "
        "load), or with --check only compare the kept counts with a recount."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="day_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="day_to", help="last day, YYYY-MM-DD (today)")
        parser.add_argument("--check", action="store_true", help="compare, change nothing")

    def handle(self, *args, **options):
        try:
            day_to = date.fromisoformat(options["day_to"]) if options["day_to"] else None
            day_from = date.fromisoformat(options["day_from"]) if options["day_from"] else None
        except ValueError as error:
            raise CommandError("Give dates as YYYY-MM-DD.") from error
        day_to = day_to or timezone.localdate()
        day_from = day_from or day_to - timedelta(days=60)
        if options["check"]:
            result = attendance_check(day_from=day_from, day_to=day_to)
            if result["equal"]:
                self.stdout.write(f"{day_from} – {day_to}: the kept counts equal the checks.")
                return
            for (day, enterprise_id), kept, recount in result["differences"][:50]:
                self.stdout.write(
                    f"{day} enterprise {enterprise_id}: kept {kept}, checks {recount}"
                )
            raise CommandError(f"{len(result['differences'])} counts differ from the checks.")
        with transaction.atomic():
            written = attendance_rebuild(day_from, day_to)
        self.stdout.write(f"{day_from} – {day_to}: {written} workers on duty counted.")
