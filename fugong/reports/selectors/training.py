"""The "untrained workers on duty" figure: workers admitted through a gate on the day, by a
resumed enterprise in scope (as the "on duty" figure counts them), who had attended no prevention
training session by that day."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from fugong.gate.models import Attendance
from fugong.training.models import TrainingAttendance

from .figures import EnterpriseDay


def untrained_on_duty(*, lines: list[EnterpriseDay], day: date) -> QuerySet[Attendance]:
    counted = [
        line.facts.id for line in lines if line.counted and line.resumed and line.on_duty_gate
    ]
    trained = TrainingAttendance.objects.filter(worker=OuterRef("worker_id"), held_on__lte=day)
    return (
        Attendance.objects.filter(day=day, enterprise_id__in=counted)
        .exclude(Exists(trained))
        .select_related("worker", "enterprise")
        .order_by("enterprise__name", "worker__full_name", "worker_id")
    )


def untrained_on_duty_count(*, lines: list[EnterpriseDay], day: date) -> int:
    """The number ``untrained_on_duty`` lists, without walking the day's attendance: the day's
    workers of the counted enterprises (the gate's kept counts, written with the attendance)
    less those of them trained by the day, looked up from the trained workers through the
    attendance's (day, worker) key."""
    counted = {
        line.facts.id: line.on_duty_gate
        for line in lines
        if line.counted and line.resumed and line.on_duty_gate
    }
    trained = TrainingAttendance.objects.filter(held_on__lte=day).values("worker_id")
    trained_on_duty = sum(
        1
        for enterprise_id in Attendance.objects.filter(day=day, worker_id__in=trained)
        .order_by()
        .values_list("enterprise_id", flat=True)
        if enterprise_id in counted
    )
    return sum(counted.values()) - trained_on_duty
