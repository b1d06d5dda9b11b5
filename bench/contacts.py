"""Benchmark: finding the close contacts of one case at city scale.

    .venv/bin/python bench/contacts.py [--postgres postgres://…] [--data-dir DIR] [--scale 0.1]
        [--runs 10]

Uses the data set of ``manage.py generate_scale_data`` (10,000 enterprises, 500,000 workers,
14 days of gate checks): a database that already holds it is measured as it is (the SQLite
database of ``--data-dir``, or the PostgreSQL database of ``--postgres``); otherwise it is
generated into a fresh one (``--scale`` for a fraction). The generator leaves shifts, dormitory
rooms, shuttle routes and visitors empty, so the benchmark first fills them (once, set-based): three
shifts, six workers to a room, forty shuttle routes, and 2,000 visitors a day at the enterprises'
gates, a tenth of them declaring a department as host.

It opens a case for a worker of the largest enterprise (the worst case: the largest department,
the busiest gate) and one of a median-sized enterprise, onset yesterday (the default window:
four days), then measures, warm, the median and p95 of ``--runs``:

- the search alone (``contacts.find_contacts``: the reads);
- the whole service (``contact_services.contacts_find``: the reads, the merge, the inserts of
  every candidate, the timeline entry and the audit row), rolled back after each run;
- the baseline in the same run: one indexed ``SELECT COUNT(*)`` of the case's department's
  admissions (gate checks) in the window.

Every statement of the search is captured, timed alone and explained (EXPLAIN QUERY PLAN on
SQLite, EXPLAIN ANALYZE on PostgreSQL); the plans and the indexes they use are printed and saved
in bench/results/contacts_<database>.json. The aim (1 s) is reported, not enforced.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import datetime, timedelta
from datetime import time as clock

from common import save
from dashboard import environment, explain, plan_summary, sizes, timed

TARGET_MS = 1000


def fill_missing_fields(log) -> dict:
    """Shifts, rooms, routes and visitors, which the scale generator does not write."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fugong.demo.scale.names import DEPARTMENTS
    from fugong.gate.models import Gate, GateCheck, Visitor
    from fugong.workforce.models import Worker

    done = {}
    if not Worker.objects.exclude(shift="").exists():
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE workforce_worker SET "
                "shift = CASE id % 3 WHEN 0 THEN '早班' WHEN 1 THEN '中班' ELSE '夜班' END, "
                "dormitory_room = 'D' || CAST(id / 6 AS TEXT), "
                "shuttle_route = 'L' || CAST(id % 40 AS TEXT)"
            )
        done["workers_filled_s"] = round(time.perf_counter() - started, 1)
        log(f"shifts, rooms and routes filled in {done['workers_filled_s']} s")
    if not Visitor.objects.exists():
        started = time.perf_counter()
        gates = list(
            Gate.objects.filter(enterprise__isnull=False).values_list("pk", "enterprise_id")
        )
        names = dict(
            Gate.objects.filter(enterprise__isnull=False).values_list("pk", "enterprise__name")
        )
        today = timezone.localdate()
        now = timezone.now()
        visitors, checks = [], []
        counter = 0
        for back in range(14):
            day = today - timedelta(days=back)
            for index in range(2000):
                counter += 1
                gate_id, enterprise_id = gates[(counter * 7919) % len(gates)]
                host = DEPARTMENTS[counter % 7] if counter % 10 == 0 else "接待"
                employer = names[gate_id] if counter % 97 == 0 else "某物流公司"
                visitors.append(
                    Visitor(
                        full_name=f"访客{counter}",
                        document_type="resident_id",
                        document_cipher=f"v1:bench-visitor-{counter}",
                        document_digest=f"{counter:064x}",
                        document_masked="4306**********0000",
                        origin_code="430602",
                        employer=employer,
                        purpose="送货",
                        host=host,
                        gate_id=gate_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
                moment = timezone.make_aware(
                    datetime.combine(day, clock(8 + index % 9, index % 60))
                )
                checks.append((gate_id, enterprise_id, moment, day))
        with transaction.atomic():
            created = Visitor.objects.bulk_create(visitors, batch_size=2000)
            GateCheck.objects.bulk_create(
                (
                    GateCheck(
                        client_id=uuid.uuid4(),
                        payload_digest="bench",
                        gate_id=gate_id,
                        enterprise_id=enterprise_id,
                        visitor_id=visitor.pk,
                        mask=True,
                        disinfected=True,
                        verdict="admitted",
                        occurred_at=moment,
                        check_date=day,
                        received_at=moment,
                    )
                    for visitor, (gate_id, enterprise_id, moment, day) in zip(
                        created, checks, strict=True
                    )
                ),
                batch_size=2000,
            )
        done["visitors_added"] = len(created)
        done["visitors_s"] = round(time.perf_counter() - started, 1)
        log(f"{len(created):,} visitors and their checks added in {done['visitors_s']} s")
    if done:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return done


def pick_worker(enterprise_id: int, today):
    """A worker of the enterprise's largest department admitted on most days of the window."""
    from django.db.models import Count

    from fugong.gate.models import Attendance
    from fugong.workforce.models import Worker

    department = (
        Worker.objects.filter(enterprise_id=enterprise_id)
        .exclude(department="")
        .values("department")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["department"]
    )
    return (
        Attendance.objects.filter(
            enterprise_id=enterprise_id,
            day__gte=today - timedelta(days=3),
            worker__department=department,
        )
        .values("worker_id")
        .annotate(days=Count("day"))
        .order_by("-days", "worker_id")
        .first()["worker_id"]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=None, help="a DATABASE_URL for PostgreSQL")
    parser.add_argument("--scale", type=float, default=1.0, help="a fraction of the city size")
    parser.add_argument("--enterprises", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--data-dir", help="measure the SQLite database of this data directory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    arguments = parser.parse_args()
    environment(arguments)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from fugong.accounts.models import User
    from fugong.cases import contact_services, services
    from fugong.cases.contacts import Subject, exposure_window, find_contacts
    from fugong.cases.models import Case
    from fugong.cases.selectors import contact_rules_on
    from fugong.core.roles import Role
    from fugong.enterprises.models import Enterprise
    from fugong.gate.models import GateCheck
    from fugong.workforce.models import Worker

    settings.DEBUG = False
    database = connection.vendor
    generation_seconds = None
    if not Enterprise.objects.exists():
        wanted = sizes(arguments.scale, arguments)
        print(f"generating {wanted} on {database}", flush=True)
        started = time.perf_counter()
        call_command("generate_scale_data", stdout=sys.stdout, **wanted)
        generation_seconds = round(time.perf_counter() - started, 1)
    filled = fill_missing_fields(lambda text: print(text, flush=True))
    today = timezone.localdate()
    command = User.objects.filter(role=Role.COMMAND, is_active=True).order_by("pk").first()
    assert command is not None
    sizes_by_enterprise = list(
        Worker.objects.values("enterprise_id")
        .annotate(n=Count("id"))
        .order_by("-n", "enterprise_id")
    )
    largest = sizes_by_enterprise[0]
    median = sizes_by_enterprise[len(sizes_by_enterprise) // 2]
    counts = {
        "enterprises": Enterprise.objects.count(),
        "workers": Worker.objects.count(),
        "gate_checks": GateCheck.objects.count(),
        "largest_enterprise_workers": largest["n"],
        "median_enterprise_workers": median["n"],
        **filled,
    }
    print(counts, flush=True)
    rules = contact_rules_on(today)
    results: dict = {}
    plans: dict = {}
    for label, row in (("largest_enterprise", largest), ("median_enterprise", median)):
        worker_id = pick_worker(row["enterprise_id"], today)
        Case.objects.filter(worker_id=worker_id, is_drill=True).delete()
        case = services.case_open(
            actor=command,
            classification="confirmed",
            worker_id=worker_id,
            onset_on=today - timedelta(days=1),
            is_drill=True,
            notes="bench/contacts.py",
        )
        window = exposure_window(case, rules, today=today)
        subject = Subject.of(case)
        worker = Worker.objects.get(pk=worker_id)

        def search(subject=subject, window=window):
            return find_contacts(subject, window, rules)

        def service(case=case):
            with transaction.atomic():
                result = contact_services.contacts_find(actor=command, case=case)
                transaction.set_rollback(True)
            return result

        def baseline(worker=worker, window=window):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM gate_gatecheck g "
                    "JOIN workforce_worker w ON w.id = g.worker_id "
                    "WHERE g.enterprise_id = %s AND g.check_date BETWEEN %s AND %s "
                    "AND g.verdict = 'admitted' AND w.department = %s",
                    [worker.enterprise_id, window.start, window.end, worker.department],
                )
                return cursor.fetchone()[0]

        found = search()
        one = service()
        admissions = baseline()
        timing = {
            "search": timed(search, arguments.runs),
            "service": timed(service, arguments.runs),
            "baseline_count": timed(baseline, arguments.runs),
        }
        ratio = round(
            timing["search"]["median_ms"] / max(timing["baseline_count"]["median_ms"], 0.01), 1
        )
        by_rule: dict[str, int] = {}
        for reasons in found.reasons.values():
            for reason in reasons:
                by_rule[reason["rule"]] = by_rule.get(reason["rule"], 0) + 1
        with CaptureQueriesContext(connection) as captured:
            search()
        statements = []
        for query in captured.captured_queries:
            plan, own_ms = explain(query["sql"])
            statements.append(
                {"sql": query["sql"][:2000], "ms": own_ms, "plan": plan, **plan_summary(plan)}
            )
        plans[label] = statements
        results[label] = {
            "worker_id": worker_id,
            "enterprise_workers": row["n"],
            "department": worker.department,
            "window": window.as_dict(),
            "people_found": len(found.reasons),
            "reasons_by_rule": by_rule,
            "service_found": one.found,
            "department_admissions_in_window": admissions,
            "timing_ms": timing,
            "ratio_search_to_count": ratio,
            "within_target": timing["service"]["median_ms"] < TARGET_MS,
        }
        case.delete()
        print(
            f"{database} {label}: {len(found.reasons):,} people ({by_rule}); search "
            f"{timing['search']['median_ms']} ms, service {timing['service']['median_ms']} ms, "
            f"COUNT(*) {timing['baseline_count']['median_ms']} ms ({admissions:,} admissions) "
            f"→ ratio {ratio}",
            flush=True,
        )
        for statement in statements:
            print(
                f"  {statement['ms']:>8} ms  indexes {statement['indexes']}  scans {statement['full_scans']}"
            )
            for line in statement["plan"]:
                print(f"      {line}")
    path = save(
        f"contacts_{database}",
        {
            "database": database,
            "target_ms": TARGET_MS,
            "counts": counts,
            "generation_seconds": generation_seconds,
            "rules": {
                "days_before_onset": rules.days_before_onset,
                "same_gate_minutes": rules.same_gate_minutes,
            },
            "results": results,
            "plans": plans,
        },
    )
    print(f"saved {path}")
    if arguments.keep or arguments.data_dir:
        return


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
