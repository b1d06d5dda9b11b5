"""``make bench``: run every benchmark on SQLite, and on PostgreSQL when BENCH_DATABASE_URL is
set (plus the partitions benchmark, PostgreSQL only). With BENCH_PROVINCE_DATABASE_URL set to a
PostgreSQL database holding ``generate_scale_data --size province`` (or an empty one, which the
dashboard benchmark fills), the dashboard and daily report are measured at province scale too.
Figures are printed and saved in bench/results/*.json."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["roster_import.py", "gate_checks.py", "dashboard.py", "contacts.py"]
POSTGRESQL_ONLY = ["partitions.py"]


def main() -> int:
    runs: list[list[str]] = [[script] for script in BENCHMARKS]
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        runs += [[script, "--postgres", postgres] for script in BENCHMARKS]
        runs += [[script, "--postgres", postgres] for script in POSTGRESQL_ONLY]
    province = os.environ.get("BENCH_PROVINCE_DATABASE_URL")
    if province:
        runs.append(
            [
                "dashboard.py",
                "--postgres",
                province,
                "--size",
                "province",
                "--runs",
                "10",
                "--result-name",
                "dashboard_province_postgresql",
            ]
        )
    failures = 0
    for command in runs:
        print(f"== {' '.join(command)}", flush=True)
        completed = subprocess.run(
            [sys.executable, str(HERE / command[0]), *command[1:]], cwd=HERE, check=False
        )
        failures += completed.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
