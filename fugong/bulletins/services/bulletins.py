"""Supervision bulletins: drafted from a period's inspections, edited while a draft, published
with the next number of the year under a locked sequence row."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.enterprises.models import Enterprise
from fugong.inspections.models import (
    Finding,
    FindingSeverity,
    Inspection,
    InspectionKind,
    InspectionStatus,
    RectificationDecision,
)
from fugong.resumption.selectors import end_of_day

from ..models import (
    Bulletin,
    BulletinSequence,
    BulletinStatus,
)
from ..texts import official, official_date

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What the command post may change in a draft (the form, the API).
BULLETIN_TEXT_FIELDS = (
    "title",
    "overview",
    "problems",
    "rectification",
    "good_practice",
    "requirements",
)
BULLETIN_FIELDS = (*BULLETIN_TEXT_FIELDS, "period_start", "period_end", "enterprises")
NOTICE_MAX_ATTACHMENTS = 20
NOTICE_MAX_DAYS_AHEAD = 30


class DraftContent(TypedDict):
    """A bulletin's sections drafted from a period, and the enterprises with findings."""

    overview: str
    problems: str
    rectification: str
    good_practice: str
    requirements: str
    enterprise_ids: list[int]


class BulletinFields(TypedDict, total=False):
    """What ``bulletin_update`` may change (BULLETIN_FIELDS); ``None`` leaves a field as it is."""

    title: str | None
    overview: str | None
    problems: str | None
    rectification: str | None
    good_practice: str | None
    requirements: str | None
    period_start: date | None
    period_end: date | None
    enterprises: Iterable[Enterprise | int] | None


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _english(label: StrOrPromise) -> str:
    """The msgid of a lazy choice label."""
    with override("en"):
        return str(label)


# ----- bulletins -----------------------------------------------------------------------------


def _check_period(period_start: date | None, period_end: date | None, today: date) -> None:
    if period_start is None or period_end is None:
        fields: dict[str, list[str]] = {}
        if period_start is None:
            fields["period_start"] = [_("Required.")]
        if period_end is None:
            fields["period_end"] = [_("Required.")]
        raise ApplicationError(_("Enter the period the bulletin covers."), fields=fields)
    if period_end < period_start:
        message = _("The period cannot end before it starts.")
        raise ApplicationError(message, fields={"period_end": [message]})
    if period_end > today:
        message = _("The period cannot end in the future.")
        raise ApplicationError(message, fields={"period_end": [message]})


def _finding_state(finding: Finding, end: datetime, period_end: date) -> str:
    """What a finding's rectification stood at when the period ended: accepted, submitted
    (awaiting acceptance) or open; an open finding past its deadline then is overdue."""
    if finding.accepted_at is not None and finding.accepted_at < end:
        return "accepted"
    rounds = [item for item in finding.rectifications.all() if item.submitted_at < end]
    deadline = finding.deadline
    reopened = [
        item
        for item in rounds
        if item.decision == RectificationDecision.REOPENED
        and item.decided_at is not None
        and item.decided_at < end
    ]
    if reopened and reopened[-1].new_deadline:
        deadline = reopened[-1].new_deadline
    if rounds and (rounds[-1].decided_at is None or rounds[-1].decided_at >= end):
        return "submitted"
    return "overdue" if deadline < period_end else "open"


def bulletin_draft_content(period_start: date, period_end: date) -> DraftContent:
    """The sections of a bulletin drafted from the period's completed inspections, in the
    official language, and the enterprises with findings."""
    inspections = list(
        Inspection.objects.filter(
            status=InspectionStatus.COMPLETED,
            inspected_on__gte=period_start,
            inspected_on__lte=period_end,
        )
        .select_related("enterprise")
        .order_by("inspected_on", "id")
    )
    findings = list(
        Finding.objects.filter(inspection__in=[item.pk for item in inspections])
        .select_related("enterprise")
        .prefetch_related("rectifications")
        .order_by("inspection__inspected_on", "inspection_id", "id")
    )
    start, end_text = official_date(period_start), official_date(period_end)
    comma = official(", ")
    if inspections:
        kinds = Counter(item.kind for item in inspections)
        severities = Counter(item.severity for item in findings)
        kind_text = comma.join(
            official("%(kind)s: %(count)s", kind=official(_english(label)), count=kinds[value])
            for value, label in InspectionKind.choices
            if kinds[value]
        )
        severity_text = comma.join(
            official(
                "%(severity)s: %(count)s",
                severity=official(_english(label)),
                count=severities[value],
            )
            for value, label in reversed(FindingSeverity.choices)
            if severities[value]
        ) or official("none")
        overview = official(
            "From %(start)s to %(end)s the park carried out %(inspections)s inspections "
            "(%(kinds)s) at %(enterprises)s enterprises and found %(findings)s problems "
            "(%(severities)s).",
            start=start,
            end=end_text,
            inspections=len(inspections),
            kinds=kind_text,
            enterprises=len({item.enterprise_id for item in inspections}),
            findings=len(findings),
            severities=severity_text,
        )
    else:
        overview = official(
            "From %(start)s to %(end)s no inspection was completed.", start=start, end=end_text
        )

    by_enterprise: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_enterprise[finding.enterprise_id].append(finding)
    problem_lines = [
        official(
            "%(number)s. %(enterprise)s: %(problems)s.",
            number=index,
            enterprise=items[0].enterprise.name,
            problems=official("; ").join(
                official(
                    "%(description)s (%(severity)s)",
                    description=item.description.strip().rstrip("。.；;"),
                    severity=official(_english(item.get_severity_display())),
                )
                for item in items
            ),
        )
        for index, items in enumerate(by_enterprise.values(), start=1)
    ]
    problems = "\n".join(problem_lines) or official("No problems were found in this period.")

    if findings:
        end = end_of_day(period_end)
        states = {item.pk: _finding_state(item, end, period_end) for item in findings}
        counts = Counter(states.values())
        rectification = official(
            "As of %(date)s, of the %(findings)s problems found, %(accepted)s have been "
            "rectified and accepted, %(submitted)s have been rectified and await acceptance, "
            "and %(open)s are still being rectified (%(overdue)s of them past their deadline).",
            date=end_text,
            findings=len(findings),
            accepted=counts["accepted"],
            submitted=counts["submitted"],
            open=counts["open"] + counts["overdue"],
            overdue=counts["overdue"],
        )
        overdue_names = list(
            dict.fromkeys(item.enterprise.name for item in findings if states[item.pk] == "overdue")
        )
        if overdue_names:
            rectification += "\n" + official(
                "Past their deadline: %(enterprises)s.", enterprises=comma.join(overdue_names)
            )
    else:
        rectification = official("There is nothing to rectify.")

    good_practice = "\n".join(
        official(
            "%(enterprise)s: %(text)s",
            enterprise=item.enterprise.name,
            text=item.good_practice.strip(),
        )
        for item in inspections
        if item.good_practice.strip()
    ) or official("No good practice was recorded in this period.")

    requirements = official(
        "1. Every enterprise keeps the four no's at its gates and the daily health checks, "
        "and holds its observation room, isolation room and prevention supplies ready.\n"
        "2. The enterprises named above rectify every problem by its deadline and report "
        "the rectification with evidence; a problem found again will be dealt with strictly.\n"
        "3. Liaison officers follow their enterprises' rectification on site, and the "
        "inspection teams keep up unannounced inspections."
    )
    return {
        "overview": overview,
        "problems": problems,
        "rectification": rectification,
        "good_practice": good_practice,
        "requirements": requirements,
        "enterprise_ids": list(by_enterprise),
    }


@transaction.atomic
def bulletin_draft(
    *,
    actor: User,
    period_start: date,
    period_end: date,
    title: str = "",
    at: datetime | None = None,
) -> Bulletin:
    """Start a bulletin for a period, prefilled from the period's completed inspections."""
    require(actor, Action.BULLETINS_MANAGE)
    _check_period(period_start, period_end, timezone.localdate(_now(at)))
    content = bulletin_draft_content(period_start, period_end)
    enterprise_ids = content["enterprise_ids"]
    bulletin = Bulletin(
        year=period_end.year,
        title=(title or "").strip()
        or official("Bulletin on the inspection of epidemic prevention at resumed enterprises"),
        period_start=period_start,
        period_end=period_end,
        drafted_by=actor,
        status=BulletinStatus.DRAFT,
        created_at=_now(at),
        overview=content["overview"],
        problems=content["problems"],
        rectification=content["rectification"],
        good_practice=content["good_practice"],
        requirements=content["requirements"],
    )
    full_clean_or_raise(bulletin)
    bulletin.save()
    if at is not None:  # auto_now would stamp the present
        Bulletin.objects.filter(pk=bulletin.pk).update(updated_at=at)
    bulletin.enterprises.set(enterprise_ids)
    audit_event_record(
        actor=actor,
        action=AuditAction.BULLETIN_DRAFTED,
        target=bulletin,
        summary=bulletin.title,
        data={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "enterprises": len(enterprise_ids),
        },
        at=at,
    )
    return bulletin


def _lock_bulletin(bulletin: Bulletin) -> Bulletin:
    try:
        return Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    except Bulletin.DoesNotExist as error:
        raise NotFoundError() from error


def _require_draft(bulletin: Bulletin) -> None:
    if bulletin.status != BulletinStatus.DRAFT:
        raise ConflictError(_("A published bulletin can no longer be changed."))


@transaction.atomic
def bulletin_update(
    *,
    actor: User,
    bulletin: Bulletin,
    at: datetime | None = None,
    **fields: Unpack[BulletinFields],
) -> Bulletin:
    """Change a draft: its title, sections, period or the enterprises it concerns."""
    require(actor, Action.BULLETINS_MANAGE)
    bulletin = _lock_bulletin(bulletin)
    _require_draft(bulletin)
    given: Mapping[str, object] = fields
    unknown = sorted(set(given) - set(BULLETIN_FIELDS))
    if unknown:
        raise ApplicationError(
            _("Unknown field."), fields={name: [_("Unknown field.")] for name in unknown}
        )
    changed = []
    for name in BULLETIN_TEXT_FIELDS:
        if name in given and given[name] is not None:
            value = str(given[name]).strip()
            if getattr(bulletin, name) != value:
                setattr(bulletin, name, value)
                changed.append(name)
    if not bulletin.title:
        raise ApplicationError(_("Give the bulletin a title."), fields={"title": [_("Required.")]})
    start = fields.get("period_start") or bulletin.period_start
    end = fields.get("period_end") or bulletin.period_end
    if (start, end) != (bulletin.period_start, bulletin.period_end):
        _check_period(start, end, timezone.localdate(_now(at)))
        bulletin.period_start, bulletin.period_end, bulletin.year = start, end, end.year
        changed.append("period")
    enterprise_ids = None
    enterprises = fields.get("enterprises")
    if enterprises is not None:
        enterprise_ids = {item.pk if isinstance(item, Enterprise) else item for item in enterprises}
        try:
            known = set(
                Enterprise.objects.filter(pk__in=enterprise_ids).values_list("pk", flat=True)
            )
        except (TypeError, ValueError) as error:
            raise ApplicationError(_("Unknown enterprise.")) from error
        if known != enterprise_ids:
            message = _("Unknown enterprise.")
            raise ApplicationError(message, fields={"enterprises": [message]})
        if enterprise_ids != set(bulletin.enterprises.values_list("pk", flat=True)):
            changed.append("enterprises")
        else:
            enterprise_ids = None
    full_clean_or_raise(bulletin)
    if not changed:
        return bulletin
    bulletin.save()
    if enterprise_ids is not None:
        bulletin.enterprises.set(enterprise_ids)
    audit_event_record(
        actor=actor,
        action=AuditAction.BULLETIN_UPDATED,
        target=bulletin,
        summary=bulletin.title,
        data={"fields": changed},
        at=at,
    )
    return bulletin


def _lock_sequence(year: int) -> BulletinSequence:
    """The year's sequence row under a row lock, created when the year's first bulletin is
    published (two first bulletins at once: one creates it, the other retries and waits)."""
    for _attempt in range(5):
        sequence = BulletinSequence.objects.select_for_update().filter(year=year).first()
        if sequence is not None:
            return sequence
        try:
            with transaction.atomic():
                return BulletinSequence.objects.create(year=year, last=0)
        except IntegrityError:
            continue
    raise ConflictError(_("Another bulletin is being published; try again."))


@transaction.atomic
def bulletin_publish(*, actor: User, bulletin: Bulletin, at: datetime | None = None) -> Bulletin:
    """Publish a draft: it gets the next number of its year and can no longer change."""
    require(actor, Action.BULLETINS_MANAGE)
    bulletin = _lock_bulletin(bulletin)
    if bulletin.status == BulletinStatus.PUBLISHED:
        raise ConflictError(_("This bulletin has already been published."))
    missing = [
        name
        for name in ("title", "overview", "problems", "rectification", "requirements")
        if not getattr(bulletin, name).strip()
    ]
    if missing:
        raise ApplicationError(
            _("Fill in every section before publishing."),
            code="incomplete",
            fields={name: [_("Required.")] for name in missing},
        )
    full_clean_or_raise(bulletin)
    sequence = _lock_sequence(bulletin.year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    bulletin.number = sequence.last
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_at = _now(at)
    bulletin.published_by = actor
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError as error:  # the unique (year, number): the backstop
        raise ConflictError(_("Another bulletin is being published; try again.")) from error
    audit_event_record(
        actor=actor,
        action=AuditAction.BULLETIN_PUBLISHED,
        target=bulletin,
        summary=bulletin.title,
        data={"year": bulletin.year, "number": bulletin.number},
        at=at,
    )
    return bulletin
