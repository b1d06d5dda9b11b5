"""``manage.py rescreen``: re-screen every worker (run daily, e.g. from cron at 00:05, so that
policies dated today take effect and ended observations are recorded)."""

from django.core.management.base import BaseCommand

from fugong.screening.services import rescreen_all


class Command(BaseCommand):
    help = "Re-screen every worker against the rules in force today."

    def handle(self, *args, **options):
        run = rescreen_all()
        self.stdout.write(
            f"{run.examined} workers examined, {run.changed} clearances changed "
            f"in {run.duration_ms} ms."
        )
