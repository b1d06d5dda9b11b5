"""Worker passes: the signed token a pass's QR code carries, resolving a scanned token, issuing
a pass (or passes to every worker without one) and revoking it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError
from fugong.core.roles import Action, require
from fugong.enterprises.models import Enterprise

from ..models import Worker, WorkerPass
from .workers import _require_worker_in_scope, _revoke_live_pass, _scope_enterprise

PASS_SALT = "fugong.workforce.pass"  # noqa: S105 - a signing namespace, not a secret
PASS_PREFIX = "FG1"  # noqa: S105 - the token format marker


def pass_token(worker_pass: WorkerPass) -> str:
    """What the QR code carries: the pass's random code, signed. Never the ID number."""
    return f"{PASS_PREFIX}.{signing.Signer(salt=PASS_SALT, sep='.').sign(worker_pass.code)}"


def pass_resolve(token: str) -> WorkerPass:
    """The pass behind a scanned token, or the business error saying why it is refused."""
    text = (token or "").strip()
    if not text.startswith(f"{PASS_PREFIX}."):
        raise ApplicationError(_("This is not a worker pass."), code="pass_unknown", status=404)
    try:
        code = signing.Signer(salt=PASS_SALT, sep=".").unsign(text[len(PASS_PREFIX) + 1 :])
    except signing.BadSignature as error:
        raise ApplicationError(
            _("This pass is forged or damaged."), code="pass_forged", status=404
        ) from error
    worker_pass = (
        WorkerPass.objects.select_related("worker", "worker__enterprise").filter(code=code).first()
    )
    if worker_pass is None:
        raise ApplicationError(_("This pass is unknown."), code="pass_unknown", status=404)
    if worker_pass.revoked_at is not None:
        raise ConflictError(_("This pass has been revoked."), code="pass_revoked")
    if worker_pass.expires_on < timezone.localdate():
        raise ConflictError(_("This pass has expired."), code="pass_expired")
    return worker_pass


def _issue(actor: User, worker: Worker, valid_days: int, now: datetime) -> WorkerPass:
    _revoke_live_pass(worker, actor, _("replaced by a new pass"))
    return WorkerPass.objects.create(
        worker=worker,
        code=secrets.token_urlsafe(12),
        issued_at=now,
        issued_by=actor,
        expires_on=timezone.localdate(now) + timedelta(days=valid_days),
    )


def _check_valid_days(valid_days: int) -> None:
    if not 1 <= valid_days <= 366:
        raise ApplicationError(
            _("A pass is valid for 1 to 366 days."), fields={"valid_days": [_("1 to 366.")]}
        )


@transaction.atomic
def pass_issue(*, actor: User, worker: Worker, valid_days: int = 30) -> WorkerPass:
    """Issue a pass to a worker of an enterprise in the actor's scope (revoking the old one)."""
    require(actor, Action.PASSES_MANAGE)
    _check_valid_days(valid_days)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    _require_worker_in_scope(actor, worker)
    worker_pass = _issue(actor, worker, valid_days, timezone.now())
    audit_event_record(
        actor=actor,
        action=AuditAction.PASS_ISSUED,
        target=worker,
        enterprise=worker.enterprise,
        summary=worker.full_name,
    )
    return worker_pass


@transaction.atomic
def passes_issue_missing(*, actor: User, enterprise: Enterprise, valid_days: int = 30) -> int:
    """Issue passes to every worker of the enterprise who has no live pass; returns how many."""
    require(actor, Action.PASSES_MANAGE)
    _check_valid_days(valid_days)
    _scope_enterprise(actor, enterprise)
    now = timezone.now()
    today = timezone.localdate(now)
    expires_on = today + timedelta(days=valid_days)
    # Expired passes are closed first: a worker has at most one pass not revoked.
    WorkerPass.objects.filter(
        worker__enterprise=enterprise, revoked_at__isnull=True, expires_on__lt=today
    ).update(revoked_at=now, revoked_by=actor, revoke_reason=_("expired"))
    live = WorkerPass.objects.filter(revoked_at__isnull=True).values("worker")
    workers = list(
        Worker.objects.filter(enterprise=enterprise)
        .exclude(pk__in=live)
        .values_list("pk", flat=True)
    )
    WorkerPass.objects.bulk_create(
        (
            WorkerPass(
                worker_id=pk,
                code=secrets.token_urlsafe(12),
                issued_at=now,
                issued_by=actor,
                expires_on=expires_on,
            )
            for pk in workers
        ),
        batch_size=2000,
    )
    if workers:
        audit_event_record(
            actor=actor,
            action=AuditAction.PASS_ISSUED,
            target=enterprise,
            enterprise=enterprise,
            summary=_("%(count)s passes issued") % {"count": len(workers)},
            data={"count": len(workers)},
        )
    return len(workers)


@transaction.atomic
def pass_revoke(*, actor: User, worker_pass: WorkerPass, reason: str) -> WorkerPass:
    require(actor, Action.PASSES_MANAGE)
    worker_pass = (
        WorkerPass.objects.select_for_update().select_related("worker").get(pk=worker_pass.pk)
    )
    worker = worker_pass.worker
    _require_worker_in_scope(actor, worker)
    if worker_pass.revoked_at is not None:
        raise ConflictError(_("This pass has already been revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason."), fields={"reason": [_("Required.")]})
    worker_pass.revoked_at = timezone.now()
    worker_pass.revoked_by = actor
    worker_pass.revoke_reason = reason[:200]
    worker_pass.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_event_record(
        actor=actor,
        action=AuditAction.PASS_REVOKED,
        target=worker,
        enterprise=worker.enterprise,
        summary=reason,
    )
    return worker_pass
