"""Gates and their devices: setting up, changing and taking gates out of use, and the tokens of
the terminals at a gate (created, revoked, authenticated).
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, Role, require
from fugong.core.scoping import enterprise_scope_q
from fugong.enterprises.models import Enterprise

from .. import reads
from ..models import Gate, GateDevice, GateOperator


def _gate_in_scope(actor: User, gate: Gate) -> None:
    """Managing a gate: the command post any; others their enterprises' (never park gates)."""
    if actor.role == Role.COMMAND:
        return
    if (
        gate.enterprise_id is None
        or not Enterprise.objects.filter(enterprise_scope_q(actor), pk=gate.enterprise_id).exists()
    ):
        raise NotFoundError()


@transaction.atomic
def gate_create(
    *, actor: User, name: str, enterprise: Enterprise | None, location: str = ""
) -> Gate:
    """A new gate: the command post for any enterprise or the park; an officer for their own."""
    require(actor, Action.GATES_MANAGE)
    if enterprise is None and actor.role != Role.COMMAND:
        raise ApplicationError(
            _("Only the command post sets up park gates."), status=403, code="forbidden"
        )
    if (
        enterprise is not None
        and not Enterprise.objects.filter(enterprise_scope_q(actor), pk=enterprise.pk).exists()
    ):
        raise NotFoundError()
    gate = Gate(name=(name or "").strip(), enterprise=enterprise, location=(location or "").strip())
    full_clean_or_raise(gate)
    gate.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_SAVED,
        target=gate,
        enterprise=enterprise,
        summary=str(gate),
    )
    return gate


@transaction.atomic
def gate_update(
    *, actor: User, gate: Gate, name: str, location: str = "", is_active: bool = True
) -> Gate:
    """Rename a gate, move it, or take it out of use (its operators and devices stop there)."""
    require(actor, Action.GATES_MANAGE)
    _gate_in_scope(actor, gate)
    gate = Gate.objects.select_for_update().get(pk=gate.pk)
    changes: dict[str, list[str | bool]] = {}
    for key, value in (
        ("name", (name or "").strip()),
        ("location", (location or "").strip()),
        ("is_active", bool(is_active)),
    ):
        if getattr(gate, key) != value:
            changes[key] = [getattr(gate, key), value]
            setattr(gate, key, value)
    if not changes:
        return gate
    full_clean_or_raise(gate)
    gate.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_SAVED,
        target=gate,
        enterprise=gate.enterprise,
        summary=str(gate),
        data={"changes": changes},
    )
    return gate


@transaction.atomic
def gate_device_create(*, actor: User, gate: Gate, name: str) -> tuple[GateDevice, str]:
    """A token for a terminal at this gate; returned once."""
    require(actor, Action.GATES_MANAGE)
    _gate_in_scope(actor, gate)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the device a name."), fields={"name": [_("Required.")]})
    prefix = secrets.token_hex(4)
    token = f"fgd_{prefix}_{secrets.token_urlsafe(32)}"
    device = GateDevice.objects.create(
        gate=gate,
        name=name[:100],
        prefix=prefix,
        digest=GateDevice.digest_of(token),
        created_by=actor,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_DEVICE_CREATED,
        target=device,
        enterprise=gate.enterprise,
        summary=name,
    )
    return device, token


@transaction.atomic
def gate_device_revoke(*, actor: User, device: GateDevice) -> GateDevice:
    """Revoke a terminal's token: it is refused from the next request on."""
    require(actor, Action.GATES_MANAGE)
    _gate_in_scope(actor, device.gate)
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        audit_event_record(
            actor=actor,
            action=AuditAction.GATE_DEVICE_REVOKED,
            target=device,
            enterprise=device.gate.enterprise,
            summary=device.name,
        )
    return device


def gate_device_authenticate(token: str) -> GateDevice | None:
    if not token or not token.startswith("fgd_"):
        return None
    device = reads.device_by_digest(GateDevice.digest_of(token))
    if device is None:
        return None
    now = timezone.now()
    if device.last_seen_at is None or (now - device.last_seen_at).total_seconds() > 60:
        GateDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    return device


# ----- gate operators' posts -------------------------------------------------------------------


def _check_post(user: User, gate: Gate) -> None:
    """A post fits when the user is an active gate operator and the gate is in use and is the
    park's or their own enterprise's."""
    if user.role != Role.GATE_OPERATOR or not user.is_active:
        raise ApplicationError(
            _("Only an active gate operator can be posted at a gate."), code="not_gate_operator"
        )
    if not gate.is_active:
        raise ApplicationError(_("This gate is out of use."), code="gate_inactive")
    if gate.enterprise_id not in (None, user.enterprise_id):
        raise ApplicationError(
            _("This gate belongs to another enterprise."), code="gate_of_another_enterprise"
        )


@transaction.atomic
def gate_operator_assign(*, actor: User, gate: Gate, user: User) -> GateOperator:
    """Post a gate operator at ``gate`` (the command post, who manages users): an operator works
    at one gate, so a post elsewhere moves here."""
    require(actor, Action.USERS_MANAGE)
    _check_post(user, gate)
    post = GateOperator.objects.select_for_update().filter(user=user).first()
    previous = post.gate_id if post else None
    if post is None:
        post = GateOperator(user=user, gate=gate, assigned_by=actor)
    elif post.gate_id == gate.pk:
        return post
    post.gate = gate
    post.assigned_at = timezone.now()
    post.assigned_by = actor
    full_clean_or_raise(post)
    post.save()
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_OPERATOR_POSTED,
        target=gate,
        enterprise=gate.enterprise,
        summary=f"{user} @ {gate}",
        data={"user": user.pk, "from_gate": previous},
    )
    return post


@transaction.atomic
def gate_operator_unassign(*, actor: User, user: User) -> None:
    """The operator no longer works at a gate."""
    require(actor, Action.USERS_MANAGE)
    post = GateOperator.objects.select_for_update().select_related("gate").filter(user=user).first()
    if post is None:
        return
    post.delete()
    audit_event_record(
        actor=actor,
        action=AuditAction.GATE_OPERATOR_REMOVED,
        target=post.gate,
        enterprise=post.gate.enterprise,
        summary=f"{user} @ {post.gate}",
        data={"user": user.pk},
    )
