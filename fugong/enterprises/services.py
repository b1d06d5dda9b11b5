"""Writes on enterprises: registration, edits and liaison assignment by the command post."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.core.validators import normalize_credit_code, normalize_phone

from .history import HISTORY_FIELDS, enterprise_history_record
from .models import Enterprise

# Fields the command post edits on the enterprise form, the API and the import file.
ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "kind",
    "is_above_scale",
    "is_key",
    "in_scope",
    "usual_headcount",
    "address",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "health_officer",
    "health_officer_phone",
    "has_observation_room",
    "observation_room_details",
    "has_isolation_room",
    "isolation_room_details",
    "has_waste_mask_bins",
    "waste_mask_bins_details",
    "has_medical_room",
    "medical_room_details",
    "liaison",
)


class EnterpriseFields(TypedDict, total=False):
    """The fields of an enterprise the command post sets (``ENTERPRISE_FIELDS``)."""

    name: str
    credit_code: str
    kind: str
    is_above_scale: bool
    is_key: bool
    in_scope: bool
    usual_headcount: int
    address: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    health_officer: str
    health_officer_phone: str
    has_observation_room: bool
    observation_room_details: str
    has_isolation_room: bool
    isolation_room_details: str
    has_waste_mask_bins: bool
    waste_mask_bins_details: str
    has_medical_room: bool
    medical_room_details: str
    liaison: User | None


def duplicate_credit_code() -> ApplicationError:
    message = _("An enterprise with this unified social credit code is already registered.")
    return ApplicationError(message, code="duplicate", fields={"credit_code": [message]})


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "credit_code": normalize_credit_code,
    "contact_phone": lambda value: normalize_phone(value) if value else "",
    "health_officer_phone": lambda value: normalize_phone(value) if value else "",
    "name": lambda value: " ".join((value or "").split()),
}


# The fields (as ``_changes`` names them) whose change the history keeps.
HISTORY_CHANGES = {field.removesuffix("_id") for field in HISTORY_FIELDS}


# A change as the audit trail keeps it: the old value and the new one, as JSON.
Plain = bool | int | str | None


def _changes(enterprise: Enterprise, fields: EnterpriseFields) -> dict[str, list[Plain]]:
    """Apply ``fields`` and return what changed. Values are normalised first, so that the same
    code or phone typed another way is not a change."""
    changes: dict[str, list[Plain]] = {}
    for key, value in fields.items():
        if key not in ENTERPRISE_FIELDS:
            continue
        if key in NORMALIZERS and isinstance(value, str):
            value = NORMALIZERS[key](value)
        old = getattr(enterprise, key)
        if old != value:
            changes[key] = [_plain(old), _plain(value)]
            setattr(enterprise, key, value)
    return changes


def _plain(value: object) -> Plain:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@transaction.atomic
def enterprise_create(
    *, actor: User, at: datetime | None = None, **fields: Unpack[EnterpriseFields]
) -> Enterprise:
    """Register an enterprise. The credit code must be valid and not yet registered. ``at``
    records an earlier registration (the demo park and data loads): the figures count an
    enterprise from the day it was registered."""
    require(actor, Action.ENTERPRISES_MANAGE)
    enterprise = Enterprise()
    if at is not None:
        enterprise.created_at = at
    _changes(enterprise, fields)
    full_clean_or_raise(enterprise)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as error:
        # Another request registered the same code between our check and our insert.
        raise duplicate_credit_code() from error
    enterprise_history_record(enterprise)
    audit_event_record(
        actor=actor,
        action=AuditAction.ENTERPRISE_CREATED,
        target=enterprise,
        enterprise=enterprise,
        summary=enterprise.name,
        at=at,
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, **fields: Unpack[EnterpriseFields]
) -> Enterprise:
    """Change an enterprise's details; each changed field is recorded in the audit trail."""
    require(actor, Action.ENTERPRISES_MANAGE)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes = _changes(enterprise, fields)
    if not changes:
        return enterprise
    full_clean_or_raise(enterprise)
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as error:
        raise duplicate_credit_code() from error
    if HISTORY_CHANGES & set(changes):
        # Same transaction: today's figures use the new values, earlier days the old ones.
        enterprise_history_record(enterprise)
    audit_event_record(
        actor=actor,
        action=(
            AuditAction.ENTERPRISE_LIAISON_ASSIGNED
            if set(changes) == {"liaison"}
            else AuditAction.ENTERPRISE_UPDATED
        ),
        target=enterprise,
        enterprise=enterprise,
        summary=enterprise.name,
        data={"changes": changes},
    )
    return enterprise


def enterprise_assign_liaison(
    *, actor: User, enterprise: Enterprise, liaison: User | None
) -> Enterprise:
    """One enterprise, one liaison: assign (or clear) the enterprise's liaison officer."""
    return enterprise_update(actor=actor, enterprise=enterprise, liaison=liaison)
