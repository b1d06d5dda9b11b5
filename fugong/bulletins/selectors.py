"""Reads on bulletins and notices, within the caller's scope.

- Bulletins: the command post sees every one, drafts included; liaisons and inspectors the
  published ones; an enterprise officer the published ones that concern their enterprise.
- Notices: the command post sees every one; a liaison those sent to any of their enterprises;
  an enterprise officer those sent to their enterprise. Recipients (and the acknowledgement
  counts) are limited to the caller's enterprises in the same way.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When

from fugong.accounts.models import User
from fugong.core.errors import NotFoundError
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise
from fugong.resumption.selectors import end_of_day

from .models import Bulletin, BulletinStatus, Notice, NoticeAttachment, NoticeRecipient

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ReceiptCounts(TypedDict):
    """What ``notice_list`` and ``notice_get`` add to each notice (in the actor's scope)."""

    recipient_count: int
    acknowledged_count: int


def _require_enterprise_in_scope(actor: User, enterprise: Enterprise) -> None:
    if not Enterprise.objects.filter(enterprise_scope_q(actor)).filter(pk=enterprise.pk).exists():
        raise NotFoundError()


# ----- bulletins -----------------------------------------------------------------------------


def bulletin_scope(actor: User) -> QuerySet[Bulletin]:
    require(actor, Action.BULLETINS_VIEW)
    bulletins = Bulletin.objects.all()
    if actor.role == Role.COMMAND:
        return bulletins
    published = bulletins.filter(status=BulletinStatus.PUBLISHED)
    if actor.role in (Role.LIAISON, Role.INSPECTOR):
        return published
    if actor.role == Role.ENTERPRISE_OFFICER and actor.enterprise_id:
        return published.filter(enterprises=actor.enterprise_id)
    return bulletins.none()


def bulletin_list(
    *, actor: User, year: int | None = None, status: str | None = None
) -> QuerySet[Bulletin]:
    """Newest first: by year and number, drafts (no number yet) first within their year."""
    bulletins = bulletin_scope(actor)
    if year:
        bulletins = bulletins.filter(year=year)
    if status:
        bulletins = bulletins.filter(status=status)
    return bulletins.order_by("-year", "status", "-number", "-id")


def bulletin_get(*, actor: User, bulletin_id: int | str) -> Bulletin:
    try:
        return (
            bulletin_scope(actor)
            .select_related("drafted_by", "published_by")
            .get(pk=int(bulletin_id))
        )
    except (Bulletin.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def enterprise_bulletins(*, actor: User, enterprise: Enterprise) -> QuerySet[Bulletin]:
    """The bulletins the actor may read that concern this enterprise."""
    bulletins = bulletin_scope(actor)
    _require_enterprise_in_scope(actor, enterprise)
    return bulletins.filter(enterprises=enterprise).order_by("-year", "-number", "-id")


# ----- notices -------------------------------------------------------------------------------


def _recipient_scope_q(actor: User, prefix: str = "") -> Q:
    return enterprise_scope_q(actor, f"{prefix}enterprise")


def notice_scope(actor: User) -> QuerySet[Notice]:
    require(actor, Action.NOTICES_VIEW)
    notices = Notice.objects.select_related("issued_by")
    if actor.role == Role.COMMAND:
        return notices
    return notices.filter(
        Exists(NoticeRecipient.objects.filter(_recipient_scope_q(actor), notice=OuterRef("pk")))
    )


def notice_list(*, actor: User) -> QuerySet[WithAnnotations[Notice, ReceiptCounts]]:
    """Newest first, with the recipients in the actor's scope and how many acknowledged."""
    in_scope = _recipient_scope_q(actor, "recipients__")
    return (
        notice_scope(actor)
        .annotate(
            recipient_count=Count("recipients", filter=in_scope, distinct=True),
            acknowledged_count=Count(
                "recipients",
                filter=in_scope & Q(recipients__acknowledged_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-issued_on", "-id")
    )


def notice_get(*, actor: User, notice_id: int | str) -> WithAnnotations[Notice, ReceiptCounts]:
    try:
        return notice_list(actor=actor).get(pk=int(notice_id))
    except (Notice.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def notice_recipients(notice: Notice, *, actor: User | None = None) -> QuerySet[NoticeRecipient]:
    """The notice's recipients (those in the actor's scope when an actor is given), the ones
    that have not acknowledged first."""
    recipients = NoticeRecipient.objects.filter(notice=notice).select_related(
        "enterprise", "acknowledged_by"
    )
    if actor is not None:
        recipients = recipients.filter(_recipient_scope_q(actor))
    waiting_first = Case(When(acknowledged_at__isnull=True, then=Value(0)), default=Value(1))
    return recipients.order_by(waiting_first, "enterprise__name", "enterprise_id")


def notice_recipient_own(*, actor: User, notice: Notice) -> NoticeRecipient | None:
    """The officer's own enterprise's receipt of the notice, if it was sent to it."""
    if actor.role != Role.ENTERPRISE_OFFICER or not actor.enterprise_id:
        return None
    return NoticeRecipient.objects.filter(notice=notice, enterprise_id=actor.enterprise_id).first()


def notice_attachment_get(
    *, actor: User, notice_id: int | str, attachment_id: int | str
) -> NoticeAttachment:
    notice = notice_get(actor=actor, notice_id=notice_id)
    try:
        return notice.attachments.get(pk=int(attachment_id))
    except (NoticeAttachment.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def notices_unacknowledged(*, actor: User, day: date) -> QuerySet[NoticeRecipient]:
    """Receipts outstanding at the end of ``day``: the notice had been issued by then
    (recorded before the day ended and dated on or before it) and the recipient had not
    acknowledged it by then. Scoped by the recipient's enterprise; works for past days."""
    require(actor, Action.NOTICES_VIEW)
    end = end_of_day(day)
    return (
        NoticeRecipient.objects.filter(
            _recipient_scope_q(actor), notice__created_at__lt=end, notice__issued_on__lte=day
        )
        .filter(Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=end))
        .select_related("notice", "enterprise")
        .order_by("notice__issued_on", "notice_id", "enterprise__name")
    )


def enterprise_notices(*, actor: User, enterprise: Enterprise) -> QuerySet[NoticeRecipient]:
    """The notices sent to this enterprise, as its receipts (``acknowledged_at`` tells whether
    and when it acknowledged), newest first."""
    require(actor, Action.NOTICES_VIEW)
    _require_enterprise_in_scope(actor, enterprise)
    return (
        NoticeRecipient.objects.filter(enterprise=enterprise)
        .select_related("notice", "acknowledged_by")
        .order_by("-notice__issued_on", "-notice_id")
    )
