"""``manage.py apply_retention``: remove the personal data past its retention period (run daily,
e.g. from a systemd timer at 02:30); prints the counts, which the audit trail records too. Also
deletes the background jobs whose results have expired (the workers do it hourly as well)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from fugong.jobs.services import job_cleanup_expired
from fugong.retention.services import retention_apply


class Command(BaseCommand):
    help = "Remove personal data older than the retention periods in force today."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_apply()
        counts["expired_jobs"] = job_cleanup_expired()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
