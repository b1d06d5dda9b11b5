"""``manage.py apply_retention``: remove the personal data past its retention period (run daily,
e.g. from a systemd timer at 02:30); prints the counts, which the audit trail records too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fugong.retention.services import retention_apply


class Command(BaseCommand):
    help = "Remove personal data older than the retention periods in force today."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_apply()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
