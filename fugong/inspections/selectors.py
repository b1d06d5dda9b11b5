"""Reads on inspections and findings, within the caller's scope.

Command post staff and inspectors see every inspection; a liaison the inspections of their
enterprises; an enterprise officer only the completed inspections of their own enterprise (a
draft does not exist for the enterprise yet) and their findings. Anything outside the scope is
404. A finding is overdue on day D when, as of the end of D, it had been recorded and its
inspection completed, its deadline had passed, it was not accepted and no rectification of it
was awaiting a decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.guide.models import GuideCategory, GuideItem
from fugong.resumption.selectors import end_of_day

from .models import (
    Finding,
    FindingAttachment,
    FindingStatus,
    Inspection,
    InspectionItemResult,
    InspectionStatus,
    Rectification,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class FindingCounts(TypedDict):
    """What ``inspection_list`` adds to each inspection."""

    finding_count: int
    unresolved_count: int


class Overdue(TypedDict):
    """What ``finding_list`` and ``finding_get`` add to each finding."""

    is_overdue: bool


class OverdueWithPhotos(TypedDict):
    """What ``inspection_findings`` adds to each finding."""

    is_overdue: bool
    photos: list[FindingAttachment]


# ----- inspections ---------------------------------------------------------------------------


def inspection_scope(actor: User) -> QuerySet[Inspection]:
    """The inspections the actor may see (403 for a role that sees none)."""
    require(actor, Action.INSPECTIONS_VIEW)
    inspections = Inspection.objects.filter(enterprise_scope_q(actor, "enterprise"))
    if actor.role == Role.ENTERPRISE_OFFICER:
        inspections = inspections.filter(status=InspectionStatus.COMPLETED)
    return inspections


def inspection_list(
    *,
    actor: User,
    enterprise_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
    overdue: bool = False,
) -> QuerySet[WithAnnotations[Inspection, FindingCounts]]:
    """Inspections in scope, newest first, with their findings counted; ``overdue``: only those
    with a finding overdue today."""
    inspections = inspection_scope(actor).select_related("enterprise", "inspector")
    if overdue:
        overdue_findings = Finding.objects.filter(inspection=OuterRef("pk")).filter(
            _overdue_q(timezone.localdate())
        )
        inspections = inspections.filter(Exists(overdue_findings))
    if enterprise_id:
        inspections = inspections.filter(enterprise_id=enterprise_id)
    if kind:
        inspections = inspections.filter(kind=kind)
    if status:
        inspections = inspections.filter(status=status)
    return inspections.annotate(
        finding_count=Count("findings", distinct=True),
        unresolved_count=Count(
            "findings", filter=~Q(findings__status=FindingStatus.ACCEPTED), distinct=True
        ),
    ).order_by("-inspected_on", "-id")


def inspection_get(*, actor: User, inspection_id: int | str) -> Inspection:
    """One inspection in scope, or the 404 business error."""
    try:
        return (
            inspection_scope(actor)
            .select_related("enterprise", "enterprise__liaison", "inspector", "guide_version")
            .get(pk=int(inspection_id))
        )
    except (Inspection.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def enterprise_inspections(
    *, actor: User, enterprise: Enterprise
) -> QuerySet[WithAnnotations[Inspection, FindingCounts]]:
    """The enterprise's inspections the actor may see, newest first (for the enterprise page)."""
    return inspection_list(actor=actor, enterprise_id=enterprise.pk)


@dataclass
class ChecklistRow:
    item: GuideItem
    result: InspectionItemResult | None
    # What the checklist form holds for the item, set by the page that edits the checklist.
    form_met: str = ""
    form_note: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return self.result.met if self.result else None

    @property
    def note(self) -> str:
        return self.result.note if self.result else ""


@dataclass
class ChecklistGroup:
    category: str
    label: str
    rows: list[ChecklistRow] = field(default_factory=list)


def inspection_checklist(inspection: Inspection) -> list[ChecklistGroup]:
    """The items of the inspection's guide version, grouped by category in the guide's order,
    each with its result (None when not checked)."""
    results = {row.item_id: row for row in inspection.item_results.all()}
    labels = dict(GuideCategory.choices)
    groups: dict[str, ChecklistGroup] = {}
    for item in inspection.guide_version.items.order_by("position", "code"):
        group = groups.get(item.category)
        if group is None:
            group = groups[item.category] = ChecklistGroup(
                item.category, str(labels.get(item.category, item.category))
            )
        group.rows.append(ChecklistRow(item, results.get(item.pk)))
    return list(groups.values())


def inspection_findings(
    inspection: Inspection, *, day: date | None = None
) -> list[WithAnnotations[Finding, OverdueWithPhotos]]:
    """The inspection's findings with ``is_overdue`` as of ``day`` (today by default)."""
    day = day or timezone.localdate()
    overdue = Finding.objects.filter(pk=OuterRef("pk")).filter(_overdue_q(day))
    return list(
        inspection.findings.select_related("item")
        .annotate(is_overdue=Exists(overdue))
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=FindingAttachment.objects.filter(purpose="photo"),
                to_attr="photos",
            )
        )
    )


# ----- findings ------------------------------------------------------------------------------


def finding_scope(actor: User) -> QuerySet[Finding]:
    """The findings the actor may see: those of the inspections they may see."""
    require(actor, Action.INSPECTIONS_VIEW)
    findings = Finding.objects.filter(enterprise_scope_q(actor, "enterprise"))
    if actor.role == Role.ENTERPRISE_OFFICER:
        findings = findings.filter(inspection__status=InspectionStatus.COMPLETED)
    return findings


def _overdue_q(day: date) -> Q:
    """Overdue as of the end of ``day``, from the records as they stood then."""
    end = end_of_day(day)
    awaiting_decision = Rectification.objects.filter(
        finding=OuterRef("pk"), submitted_at__lt=end
    ).filter(Q(decided_at__isnull=True) | Q(decided_at__gte=end))
    return (
        Q(created_at__lt=end)
        & Q(inspection__completed_at__lt=end)
        & Q(deadline__lt=day)
        & (Q(accepted_at__isnull=True) | Q(accepted_at__gte=end))
        & ~Q(Exists(awaiting_decision))
    )


def findings_overdue(*, actor: User, day: date) -> QuerySet[Finding]:
    """The findings in scope that were overdue on ``day`` (any past day, or today)."""
    return finding_scope(actor).filter(_overdue_q(day))


def finding_list(
    *,
    actor: User,
    status: str | None = None,
    overdue: bool = False,
    enterprise_id: int | None = None,
    severity: str | None = None,
) -> QuerySet[WithAnnotations[Finding, Overdue]]:
    """Findings in scope, the nearest deadline first, with ``is_overdue`` (as of today)."""
    today = timezone.localdate()
    findings = finding_scope(actor).select_related("enterprise", "inspection", "item")
    if status:
        findings = findings.filter(status=status)
    if enterprise_id:
        findings = findings.filter(enterprise_id=enterprise_id)
    if severity:
        findings = findings.filter(severity=severity)
    if overdue:
        findings = findings.filter(_overdue_q(today))
    overdue_ids = Finding.objects.filter(pk=OuterRef("pk")).filter(_overdue_q(today))
    return findings.annotate(is_overdue=Exists(overdue_ids)).order_by("deadline", "id")


def finding_get(*, actor: User, finding_id: int | str) -> WithAnnotations[Finding, Overdue]:
    """One finding in scope, or the 404 business error."""
    today = timezone.localdate()
    overdue_ids = Finding.objects.filter(pk=OuterRef("pk")).filter(_overdue_q(today))
    try:
        return (
            finding_scope(actor)
            .select_related(
                "enterprise", "inspection", "inspection__inspector", "item", "accepted_by"
            )
            .annotate(is_overdue=Exists(overdue_ids))
            .get(pk=int(finding_id))
        )
    except (Finding.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def enterprise_open_findings(
    *, actor: User, enterprise: Enterprise
) -> QuerySet[WithAnnotations[Finding, Overdue]]:
    """The enterprise's findings not yet accepted, that the actor may see (for the enterprise
    page), the nearest deadline first."""
    return finding_list(actor=actor, enterprise_id=enterprise.pk).exclude(
        status=FindingStatus.ACCEPTED
    )


def finding_counts(*, actor: User) -> dict[str, int]:
    """How many findings in scope are in each status, and how many are overdue today."""
    counts = dict.fromkeys(FindingStatus.values, 0)
    for row in finding_scope(actor).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    counts["overdue"] = findings_overdue(actor=actor, day=timezone.localdate()).count()
    return counts


@dataclass
class RectificationRound:
    round: int
    rectification: Rectification | None
    evidence: list[FindingAttachment]


def finding_rounds(finding: Finding) -> list[RectificationRound]:
    """The rounds of rectification, oldest first, each with its evidence; the current round's
    evidence uploaded before submitting comes last, without a rectification."""
    attachments = list(finding.attachments.filter(purpose="evidence").select_related("uploaded_by"))
    rounds = []
    for rectification in finding.rectifications.select_related("submitted_by", "decided_by"):
        rounds.append(
            RectificationRound(
                rectification.round,
                rectification,
                [a for a in attachments if a.rectification_id == rectification.pk],
            )
        )
    pending = [a for a in attachments if a.rectification_id is None]
    if pending:
        rounds.append(RectificationRound(finding.round, None, pending))
    return rounds


def finding_photos(finding: Finding) -> QuerySet[FindingAttachment]:
    return finding.attachments.filter(purpose="photo").select_related("uploaded_by")


def finding_attachment_get(
    *, actor: User, finding_id: int | str, attachment_id: int | str
) -> FindingAttachment:
    """An attachment of a finding in scope, or the 404 business error."""
    finding = finding_get(actor=actor, finding_id=finding_id)
    try:
        return finding.attachments.get(pk=int(attachment_id))
    except (FindingAttachment.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error
