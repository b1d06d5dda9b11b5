"""The demo park's people: risk areas, a roster for every enterprise that has applied (about
15,000 workers in all), passes for the approved ones, and the day's handover lists (the demo
district has acknowledged its responsibility list)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from fugong.accounts.models import User
from fugong.handover.services import handover_acknowledge, handover_generate
from fugong.screening.services import risk_area_add
from fugong.workforce.imports import COLUMNS, worker_import
from fugong.workforce.services import passes_issue_missing
from fugong.workforce.synthetic import roster_rows

WORKFORCE_TARGET = 15_000


def make_workforce(*, command: User, plans: list, district: User, today: date) -> int:
    """Risk areas first (so that clearance is computed against them), then a roster for every
    enterprise that has submitted an application, passes for those approved, and the day's
    handover lists."""
    risk_area_add(
        actor=command,
        division_code="420100",
        level="high",
        starts_on=today - timedelta(days=40),
        note="武汉市",
    )
    risk_area_add(
        actor=command,
        division_code="420000",
        level="medium",
        starts_on=today - timedelta(days=35),
        note="湖北省",
    )
    risk_area_add(
        actor=command,
        division_code="431002",
        level="medium",
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=6),
        note="郴州市北湖区",
    )
    risk_area_add(
        actor=command,
        division_code="430104",
        level="low",
        starts_on=today - timedelta(days=10),
        note="长沙市岳麓区",
    )
    staffed = [plan for plan in plans if plan.state not in ("not_applied", "draft")]
    total_headcount = sum(plan.enterprise.usual_headcount for plan in staffed) or 1
    factor = WORKFORCE_TARGET / total_headcount
    header = [column.header for column in COLUMNS]
    start = 0
    for index, plan in enumerate(staffed):
        count = max(3, round(plan.enterprise.usual_headcount * factor))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(roster_rows(count, seed=2020 + index, today=today))
        start += count
        upload = SimpleUploadedFile("roster.csv", buffer.getvalue().encode("utf-8"))
        worker_import(actor=command, enterprise=plan.enterprise, upload=upload)
        if plan.state in ("resumed", "approved_future", "suspended", "reinstated"):
            passes_issue_missing(actor=command, enterprise=plan.enterprise, valid_days=30)
    lists = handover_generate(actor=command)
    for handover_list in lists:
        if (
            handover_list.district_code == district.district_code
            and handover_list.kind == "responsibility"
        ):
            handover_acknowledge(actor=district, handover_list=handover_list)
    return start
