"""Benchmark: what outbreak response costs the re-screening, on a roster of one enterprise.

    .venv/bin/python bench/containment.py [--rows 50000] [--postgres postgres://…]

Measures, in one run on this machine:
- closing one department (its workers re-screened at once) and reopening it, in seconds;
- closing the whole enterprise and reopening it;
- re-screening everyone (the daily run) with no closure and with one open closure: the cost of
  reading the open closures and matching them, which every re-screening now pays;
- confirming one close contact's consequences (contact date, re-screening, district lists).
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import timedelta

from common import fresh_environment, save
from roster_import import write_roster


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--postgres", help="a DATABASE_URL to run against PostgreSQL")
    arguments = parser.parse_args()
    work_dir = fresh_environment(arguments.postgres)

    from django.core.files import File
    from django.db.models import Count, Q
    from django.utils import timezone

    from fugong.accounts.models import User
    from fugong.cases.consequences import contact_confirmed_consequences
    from fugong.cases.containment import containment_close, containment_reopen
    from fugong.cases.models import Classification, Contact, ContactStatus
    from fugong.cases.people import worker_person
    from fugong.cases.services import case_open
    from fugong.core.roles import Role
    from fugong.enterprises.models import Enterprise
    from fugong.workforce.clearance import rescreen
    from fugong.workforce.imports import worker_import
    from fugong.workforce.models import Worker

    today = timezone.localdate()
    path = work_dir / "roster.xlsx"
    write_roster(path, arguments.rows, today)
    actor = User(username="bench", full_name="bench", role=Role.COMMAND)
    actor.set_unusable_password()
    actor.save()
    enterprise = Enterprise.objects.create(name="基准企业", credit_code="91430600MA4L00001C")
    with path.open("rb") as handle:
        report = worker_import(
            actor=actor, enterprise=enterprise, upload=File(handle, name="roster.xlsx")
        )
    assert report.ok, report.errors[:5]
    largest = (
        Worker.objects.values("department").annotate(count=Count("pk")).order_by("-count").first()
    )
    assert largest is not None
    patient = Worker.objects.filter(department=largest["department"]).first()
    case = case_open(
        actor=actor,
        classification=Classification.CONFIRMED,
        worker_id=patient.pk,
        onset_on=today - timedelta(days=1),
    )

    _, everyone_without = timed(rescreen, workers_filter=Q(), trigger="daily")
    closure, close_department = timed(
        containment_close,
        actor=actor,
        case=case,
        enterprise_id=enterprise.pk,
        department=largest["department"],
        reason="基准",
    )
    _, everyone_with = timed(rescreen, workers_filter=Q(), trigger="daily")
    _, reopen_department = timed(containment_reopen, actor=actor, closure_id=closure.pk)
    whole, close_enterprise = timed(
        containment_close, actor=actor, case=case, enterprise_id=enterprise.pk, reason="基准"
    )
    _, reopen_enterprise = timed(containment_reopen, actor=actor, closure_id=whole.pk)

    neighbour = (
        Worker.objects.filter(department=largest["department"]).exclude(pk=patient.pk).first()
    )
    contact = Contact.objects.create(
        case=case,
        status=ContactStatus.CONFIRMED,
        last_contact_on=today - timedelta(days=1),
        **worker_person(neighbour),
    )
    _, consequences = timed(contact_confirmed_consequences, actor=actor, contact=contact)

    result = {
        "database": "postgresql" if arguments.postgres else "sqlite",
        "workers": Worker.objects.count(),
        "department_workers": largest["count"],
        "close_department_seconds": round(close_department, 3),
        "reopen_department_seconds": round(reopen_department, 3),
        "close_enterprise_seconds": round(close_enterprise, 3),
        "reopen_enterprise_seconds": round(reopen_enterprise, 3),
        "rescreen_everyone_no_closure_seconds": round(everyone_without, 3),
        "rescreen_everyone_one_open_closure_seconds": round(everyone_with, 3),
        "confirmed_contact_consequences_seconds": round(consequences, 3),
    }
    for key, value in result.items():
        print(f"{key:44} {value}")
    name = "containment_postgresql" if arguments.postgres else "containment_sqlite"
    print(f"saved {save(name, result)}")
    shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
