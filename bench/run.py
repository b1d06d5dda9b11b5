"""``make bench``: run every benchmark on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set).
Figures are printed and saved in bench/results/*.json."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["roster_import.py", "gate_checks.py", "dashboard.py", "contacts.py"]


def main() -> int:
    variants = [[]]
    if os.environ.get("BENCH_DATABASE_URL"):
        variants.append(["--postgres", os.environ["BENCH_DATABASE_URL"]])
    failures = 0
    for script in BENCHMARKS:
        for extra in variants:
            print(f"== {script} {' '.join(extra)}", flush=True)
            failures += (
                subprocess.run(
                    [sys.executable, str(HERE / script), *extra], cwd=HERE, check=False
                ).returncode
                != 0
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
