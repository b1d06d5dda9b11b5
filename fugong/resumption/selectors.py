"""Reads on applications and suspensions, and the derived status of an enterprise.

An enterprise's status is never stored: it follows from its application and its suspensions,
for any date. "Resumed on D" is the brief's definition: approved (by the end of D), resumption
date on or before D, and no suspension covering D.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction, AuditEvent
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, require, user_can
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise

from .models import (
    ApplicationAttachment,
    ApplicationStatus,
    ResumptionApplication,
    SelfCheckAnswer,
    Suspension,
    VerificationCheck,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class EnterpriseStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", _("Not applied")
    DRAFT = "draft", _("Application in draft")
    SUBMITTED = "submitted", _("Awaiting on-site verification")
    VERIFIED = "verified", _("Awaiting approval")
    RETURNED = "returned", _("Returned for rectification")
    APPROVED = "approved", _("Approved, not yet resumed")
    RESUMED = "resumed", _("Resumed")
    SUSPENDED = "suspended", _("Suspended")


STATUS_STYLE: dict[str, str] = {
    EnterpriseStatus.NOT_APPLIED: "secondary",
    EnterpriseStatus.DRAFT: "light",
    EnterpriseStatus.SUBMITTED: "info",
    EnterpriseStatus.VERIFIED: "primary",
    EnterpriseStatus.RETURNED: "warning",
    EnterpriseStatus.APPROVED: "success",
    EnterpriseStatus.RESUMED: "success",
    EnterpriseStatus.SUSPENDED: "danger",
}


def end_of_day(on: date) -> datetime:
    """The first instant after day ``on`` in the park's time zone."""
    return timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))


def suspended_q(on: date, prefix: str = "") -> Exists:
    """True for enterprises under a suspension that covers day ``on``."""
    outer = f"{prefix}pk" if prefix else "pk"
    return Exists(
        Suspension.objects.filter(enterprise=OuterRef(outer), starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=on)
        )
    )


def approved_by_q(on: date, prefix: str = "") -> Exists:
    """True for enterprises whose application was approved by the end of ``on`` with a
    resumption date on or before ``on``."""
    outer = f"{prefix}pk" if prefix else "pk"
    return Exists(
        ResumptionApplication.objects.filter(
            enterprise=OuterRef(outer),
            status=ApplicationStatus.APPROVED,
            decided_at__lt=end_of_day(on),
            resumption_date__lte=on,
        )
    )


def resumed_on_q(on: date, prefix: str = "") -> Q:
    """A filter for enterprises resumed on day ``on``."""
    return Q(approved_by_q(on, prefix)) & ~Q(suspended_q(on, prefix))


class StatusAnnotations(TypedDict):
    """What ``with_status`` adds to each enterprise."""

    application_id: int | None
    application_status: str | None
    approved_resumption_date: date | None
    is_suspended: bool
    is_resumed: bool
    status: str


def with_status(
    enterprises: QuerySet[Enterprise], on: date | None = None
) -> QuerySet[WithAnnotations[Enterprise, StatusAnnotations]]:
    """Annotate ``status`` (an EnterpriseStatus value) as of ``on`` (today by default)."""
    on = on or timezone.localdate()
    application = ResumptionApplication.objects.filter(enterprise=OuterRef("pk"))
    return enterprises.annotate(
        application_id=Subquery(application.values("pk")[:1]),
        application_status=Subquery(application.values("status")[:1]),
        approved_resumption_date=Subquery(application.values("resumption_date")[:1]),
        is_suspended=suspended_q(on),
        is_resumed=approved_by_q(on),
    ).annotate(
        status=Case(
            When(
                Q(is_resumed=True, is_suspended=True), then=Value(EnterpriseStatus.SUSPENDED.value)
            ),
            When(is_resumed=True, then=Value(EnterpriseStatus.RESUMED.value)),
            When(
                Q(application_status=ApplicationStatus.APPROVED, is_suspended=True),
                then=Value(EnterpriseStatus.SUSPENDED.value),
            ),
            When(
                application_status=ApplicationStatus.APPROVED,
                then=Value(EnterpriseStatus.APPROVED.value),
            ),
            When(
                application_status=ApplicationStatus.VERIFIED,
                then=Value(EnterpriseStatus.VERIFIED.value),
            ),
            When(
                application_status=ApplicationStatus.SUBMITTED,
                then=Value(EnterpriseStatus.SUBMITTED.value),
            ),
            When(
                application_status=ApplicationStatus.RETURNED,
                then=Value(EnterpriseStatus.RETURNED.value),
            ),
            When(
                application_status=ApplicationStatus.DRAFT, then=Value(EnterpriseStatus.DRAFT.value)
            ),
            default=Value(EnterpriseStatus.NOT_APPLIED.value),
            output_field=models.CharField(),
        )
    )


def enterprise_status(enterprise: Enterprise, on: date | None = None) -> str:
    return with_status(Enterprise.objects.filter(pk=enterprise.pk), on).values_list(
        "status", flat=True
    )[0]


def status_counts(enterprises: QuerySet[Enterprise]) -> dict[str, int]:
    """How many of the enterprises are in each status today."""
    counts = dict.fromkeys(EnterpriseStatus.values, 0)
    for row in with_status(enterprises).values("status").annotate(n=models.Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


# ----- applications --------------------------------------------------------------------------


def application_scope(actor: User) -> QuerySet[ResumptionApplication]:
    require(actor, Action.APPLICATIONS_VIEW)
    return ResumptionApplication.objects.filter(enterprise_scope_q(actor, "enterprise"))


def application_list(
    *, actor: User, status: str = "", query: str = "", liaison_id: int | None = None
) -> QuerySet[ResumptionApplication]:
    """Applications in the actor's scope, newest activity first."""
    applications = application_scope(actor).select_related(
        "enterprise", "enterprise__liaison", "verified_by", "decided_by"
    )
    if status:
        applications = applications.filter(status=status)
    if query:
        applications = applications.filter(
            Q(enterprise__name__icontains=query)
            | Q(enterprise__credit_code__icontains=query.upper())
        )
    if liaison_id:
        applications = applications.filter(enterprise__liaison_id=liaison_id)
    return applications.order_by("-updated_at", "-id")


def application_get(*, actor: User, application_id: int | str) -> ResumptionApplication:
    """One application in the actor's scope, or the 404 business error."""
    try:
        return (
            application_scope(actor)
            .select_related(
                "enterprise",
                "enterprise__liaison",
                "guide_version",
                "verified_by",
                "decided_by",
                "submitted_by",
            )
            .get(pk=int(application_id))
        )
    except (ResumptionApplication.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def application_for_enterprise(
    *, actor: User, enterprise: Enterprise
) -> ResumptionApplication | None:
    return application_scope(actor).filter(enterprise=enterprise).first()


def application_counts(*, actor: User) -> dict[str, int]:
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    for row in application_scope(actor).values("status").annotate(n=models.Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def application_self_check(application: ResumptionApplication) -> QuerySet[SelfCheckAnswer]:
    return application.self_check.select_related("item").order_by("item__position", "item__code")


def application_verification_rounds(
    application: ResumptionApplication,
) -> dict[int, list[VerificationCheck]]:
    rounds: dict[int, list[VerificationCheck]] = {}
    for check in application.verification_checks.select_related("item").order_by(
        "round", "item__position"
    ):
        rounds.setdefault(check.round, []).append(check)
    return rounds


def application_attachment_get(
    *, actor: User, application_id: int | str, attachment_id: int | str
) -> ApplicationAttachment:
    application = application_get(actor=actor, application_id=application_id)
    try:
        return application.attachments.get(pk=int(attachment_id))
    except (ApplicationAttachment.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


# What the timeline shows: the enterprise's registration and changes, its application's steps,
# its suspensions. (Accounts of its staff, say, stay in the audit trail only.)
TIMELINE_TARGETS = (
    "enterprises.enterprise",
    "resumption.resumptionapplication",
    "resumption.suspension",
)


# Changes to the roster one worker at a time, in the timeline of the enterprise's page for those
# who see its workers: who left, who was moved away or here by the command post, who was taken
# on again. A move writes one row for each of the two enterprises.
ROSTER_TIMELINE_ACTIONS = (
    AuditAction.WORKER_LEFT,
    AuditAction.WORKER_MOVED,
    AuditAction.WORKER_MOVED_IN,
    AuditAction.WORKER_REHIRED,
)


def enterprise_timeline(
    enterprise: Enterprise, *, actor: User | None = None
) -> QuerySet[AuditEvent]:
    """The audited steps about the enterprise, oldest first; with ``actor`` (the enterprise's
    page), the roster changes too when the actor may see workers."""
    shown = Q(target_type__in=TIMELINE_TARGETS)
    if actor is not None and user_can(actor, Action.WORKERS_VIEW):
        shown |= Q(target_type="workforce.worker", action__in=ROSTER_TIMELINE_ACTIONS)
    return (
        AuditEvent.objects.filter(shown, enterprise_id=enterprise.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def suspension_list(enterprise: Enterprise) -> QuerySet[Suspension]:
    return enterprise.suspensions.select_related("suspended_by", "reinstated_by")


def open_suspension(enterprise: Enterprise) -> Suspension | None:
    return enterprise.suspensions.filter(ends_on__isnull=True).first()
