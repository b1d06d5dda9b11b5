"""Applications in a given state, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fugong.resumption import services
from fugong.resumption.models import Recommendation, ResumptionApplication

COMPLETE_FIELDS = {
    "returning_local": 80,
    "returning_outside": 20,
    "prevention_plan": "门岗四不，车间每日消毒两次。",
    "emergency_plan": "发热员工送观察室复测，异常送发热门诊并报告。",
    "masks_on_hand": 2000,
    "thermometers_on_hand": 4,
    "oximeters_on_hand": 2,
    "disinfectant_litres_on_hand": 50,
    "responsible_person": "张三",
    "commitment_accepted": True,
}


def all_met(application: ResumptionApplication, met: bool = True) -> dict:
    return {item.pk: services.ItemAnswer(met, "") for item in application.guide_version.items.all()}


def make_application(*, officer, liaison=None, command=None, state: str = "draft", **fields):
    """An application of the officer's enterprise, walked to ``state`` through the services:
    draft, complete (a draft ready to submit), submitted, verified, approved or returned."""
    today = timezone.localdate()
    application = services.application_create(
        actor=officer,
        enterprise=officer.enterprise,
        planned_date=fields.pop("planned_date", today + timedelta(days=2)),
        **({**COMPLETE_FIELDS, **fields} if state != "draft" else fields),
    )
    if state == "draft":
        return application
    services.application_update(
        actor=officer, application=application, self_check=all_met(application)
    )
    if state == "complete":
        return application
    services.application_submit(actor=officer, application=application)
    if state == "submitted":
        return application.__class__.objects.get(pk=application.pk)
    services.application_verify(
        actor=liaison,
        application=application,
        checks=all_met(application),
        recommendation=Recommendation.APPROVE,
        summary="到位",
    )
    if state == "verified":
        return application.__class__.objects.get(pk=application.pk)
    if state == "approved":
        services.application_approve(actor=command, application=application, resumption_date=today)
    elif state == "returned":
        services.application_return(
            actor=command, application=application, rectification_items=["设置观察室"]
        )
    else:
        raise ValueError(state)
    return application.__class__.objects.get(pk=application.pk)
