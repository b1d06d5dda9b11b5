"""The case page's follow-up section (cases/followups/_case_section.html): the case's contacts
who are workers, today's declarations and what is missing; nothing for a role without the view."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from fugong.cases import followups, services
from fugong.cases.models import Classification, Contact, PersonKind
from fugong.workforce.tests.factories import make_worker

pytestmark = pytest.mark.django_db


def _render(user, case) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("cases/followups/_case_section.html", {"case": case}, request=request)


def test_the_section_shows_each_contacts_follow_up(park, observed, today):
    source = make_worker(actor=park.officer, enterprise=park.a, full_name="病例本人")
    case = services.case_open(
        actor=park.command,
        classification=Classification.SUSPECTED,
        worker_id=source.pk,
        onset_on=today,
    )
    quiet = make_worker(actor=park.officer, enterprise=park.a, full_name="已打卡密接")
    for worker in (observed, quiet):
        Contact.objects.create(
            case=case,
            person_kind=PersonKind.WORKER,
            worker=worker,
            full_name=worker.full_name,
            enterprise=park.a,
        )
    followups.follow_up_record(
        actor=park.officer,
        worker_id=observed.pk,
        day=timezone.localdate(),
        declaration=followups.Declaration(period="morning", temperature="38.9", symptoms=[]),
    )
    html = _render(park.command, case)
    assert 'id="case-follow-ups"' in html
    assert "观察张三" in html and "38.9" in html and "table-danger" in html
    assert "已打卡密接" in html
    # A role without FOLLOW_UPS_VIEW sees no section.
    assert 'id="case-follow-ups"' not in _render(park.inspector, case)
