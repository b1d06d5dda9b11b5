"""Benchmark: importing a 100,000-row roster, and re-screening 100,000 workers.

    .venv/bin/python bench/roster_import.py [--rows 100000] [--postgres postgres://…]

Measures, in one run on this machine:
- the end-to-end roster import (validation of every row, encryption of ID and phone numbers,
  clearance, inserts) in rows/s;
- the baseline: reading the same file with python-calamine plus ``sqlite3.executemany`` of the
  same rows into a bare table (the ratio import/baseline is reported);
- re-screening after a risk area is added (the workers who were there), and after a policy
  change (everyone), in seconds.
Wall-clock and CPU seconds (this process's) are both recorded: on a machine shared with other
work the wall clock counts the time others' processes held the cores, the CPU time does not;
the load average before and after says how busy the machine was. ``--note`` adds a remark to
the result (say, that the machine was shared).
The file is written with XlsxWriter, which stores text as shared strings the way Excel does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

from common import fresh_environment, save


def write_roster(path: Path, rows: int, today: date) -> None:
    import xlsxwriter

    from fugong.workforce.imports import COLUMNS
    from fugong.workforce.synthetic import roster_rows

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("花名册")
    sheet.write_row(0, 0, [column.header for column in COLUMNS])
    for index, values in enumerate(roster_rows(rows, seed=7, today=today), start=1):
        for column, value in enumerate(values):
            if value != "":
                sheet.write_string(index, column, value)
    workbook.close()


def baseline(path: Path, work_dir: Path) -> tuple[float, float]:
    """python-calamine reads the file; sqlite3.executemany writes the same rows, bare.
    Returns (wall-clock seconds, CPU seconds)."""
    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    table = (
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    )
    database = sqlite3.connect(work_dir / "baseline.sqlite3")
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=FULL")
    width = len(table[0])
    database.execute(f"CREATE TABLE roster ({', '.join(f'c{i} TEXT' for i in range(width))})")
    database.executemany(
        f"INSERT INTO roster VALUES ({', '.join('?' * width)})",
        [tuple(str(value) for value in row) for row in table[1:]],
    )
    database.commit()
    database.close()
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--postgres", help="a DATABASE_URL to run against PostgreSQL instead of SQLite"
    )
    parser.add_argument("--note", default="", help="a remark saved with the result")
    arguments = parser.parse_args()
    work_dir = fresh_environment(arguments.postgres)

    from django.core.files import File
    from django.db.models import Q
    from django.utils import timezone

    from fugong.accounts.models import User
    from fugong.core.roles import Role
    from fugong.enterprises.models import Enterprise
    from fugong.screening.services import risk_area_add
    from fugong.workforce.clearance import rescreen
    from fugong.workforce.imports import worker_import
    from fugong.workforce.models import Worker

    today = timezone.localdate()
    path = work_dir / "roster.xlsx"
    started = time.perf_counter()
    write_roster(path, arguments.rows, today)
    print(
        f"wrote {arguments.rows} rows in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.1f} MB)"
    )

    actor = User(username="bench", full_name="bench", role=Role.COMMAND)
    actor.set_unusable_password()
    actor.save()
    enterprise = Enterprise.objects.create(name="基准企业", credit_code="91430600MA4L00001C")

    load_before = os.getloadavg()[0]
    base, base_cpu = baseline(path, work_dir)
    with path.open("rb") as handle:
        started, cpu = time.perf_counter(), time.process_time()
        report = worker_import(
            actor=actor, enterprise=enterprise, upload=File(handle, name="roster.xlsx")
        )
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.ok and report.created == arguments.rows, report.errors[:5]
    with path.open("rb") as handle:
        started, cpu = time.perf_counter(), time.process_time()
        again = worker_import(
            actor=actor, enterprise=enterprise, upload=File(handle, name="roster.xlsx")
        )
        reimport, reimport_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert again.unchanged == arguments.rows
    load_after = os.getloadavg()[0]

    in_wuhan = Worker.objects.filter(Q(holiday_location_code__startswith="4201")).count()
    started = time.perf_counter()
    _area, run = risk_area_add(
        actor=actor, division_code="420100", level="high", starts_on=today - timedelta(days=30)
    )
    rescreen_area = time.perf_counter() - started
    started = time.perf_counter()
    everyone = rescreen(workers_filter=Q(), trigger="policy")
    rescreen_all = time.perf_counter() - started

    result = {
        "note": arguments.note,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        "database": "postgresql" if arguments.postgres else "sqlite",
        "rows": arguments.rows,
        "file_megabytes": round(path.stat().st_size / 1e6, 1),
        "import_seconds": round(elapsed, 2),
        "import_rows_per_second": round(arguments.rows / elapsed),
        "reimport_unchanged_seconds": round(reimport, 2),
        "baseline_seconds": round(base, 2),
        "baseline_rows_per_second": round(arguments.rows / base),
        "import_to_baseline_ratio": round(elapsed / base, 2),
        "reimport_to_baseline_ratio": round(reimport / base, 2),
        "import_cpu_seconds": round(elapsed_cpu, 2),
        "reimport_unchanged_cpu_seconds": round(reimport_cpu, 2),
        "baseline_cpu_seconds": round(base_cpu, 2),
        "import_to_baseline_cpu_ratio": round(elapsed_cpu / base_cpu, 2),
        "risk_area_rescreen_seconds": round(rescreen_area, 2),
        "risk_area_workers_examined": run.examined,
        "risk_area_clearances_changed": run.changed,
        "workers_in_area": in_wuhan,
        "rescreen_everyone_seconds": round(rescreen_all, 2),
        "rescreen_everyone_examined": everyone.examined,
    }
    for key, value in result.items():
        print(f"{key:32} {value}")
    name = "roster_import_postgresql" if arguments.postgres else "roster_import_sqlite"
    print(f"saved {save(name, result)}")
    shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
