"""``manage.py generate_scale_data``: a city-sized data set for measuring the dashboard.

Writes, into an empty database, 10,000 enterprises, 500,000 workers and 14 days of gate checks
(about seven million rows) ending today (``--size city``, the default), or 50,000 enterprises,
2,000,000 workers and 7 days (``--size province``); ``--enterprises``, ``--workers`` and
``--days`` override the size's numbers. See ``fugong.demo.scale`` for what is generated.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fugong.demo.scale import ScaleOptions, generate
from fugong.enterprises.models import Enterprise

# (enterprises, workers, days) of each named size.
SIZES = {
    "city": (10_000, 500_000, 14),
    "province": (50_000, 2_000_000, 7),
}


class Command(BaseCommand):
    help = (
        "Generate a city-sized data set (enterprises, workers, gate checks) in an empty database."
    )

    def add_arguments(self, parser) -> None:
        defaults = ScaleOptions()
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            default="city",
            help="city: 10,000 enterprises, 500,000 workers, 14 days; "
            "province: 50,000 enterprises, 2,000,000 workers, 7 days",
        )
        parser.add_argument("--enterprises", type=int, default=None)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument(
            "--days", type=int, default=None, help="days of records, the last is today"
        )
        parser.add_argument("--seed", type=int, default=defaults.seed)

    def handle(self, *args, **options) -> None:
        sized = dict(zip(("enterprises", "workers", "days"), SIZES[options["size"]], strict=True))
        for name, value in sized.items():
            if options[name] is None:
                options[name] = value
        if options["enterprises"] < 1 or options["workers"] < 0 or options["days"] < 1:
            raise CommandError("Give at least one enterprise and one day.")
        existing = Enterprise.objects.count()
        if existing:
            raise CommandError(
                f"The database already has {existing} enterprises: generate_scale_data writes "
                "into an empty database only (migrate a new one, or point DATABASE_URL at one)."
            )
        report = generate(
            ScaleOptions(
                enterprises=options["enterprises"],
                workers=options["workers"],
                days=options["days"],
                seed=options["seed"],
            ),
            log=lambda line: self.stdout.write(line) and self.stdout.flush(),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.first_day} to {report.last_day}: "
                + ", ".join(f"{name.strip()} {count:,}" for name, count in report.counts.items())
                + f" in {report.seconds['total']:.0f} s"
            )
        )
