"""Writes on close contacts: finding them (and merging a new search into the earlier ones),
confirming, dropping (with a reason) and adding by hand; saving the contact rules.

Each service checks the role (``contacts.decide``, ``contacts.rules``) and the scope, validates
everything before it writes, and leaves a timeline entry on the case and an audit row, in one
transaction. Confirming also calls ``consequences.contact_confirmed_consequences`` (observation,
clearance, the district's list) in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.bulk import bulk_insert_rows, bulk_update_rows
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.gate.models import Visitor
from fugong.gate.selectors import gate_scope
from fugong.workforce.models import Worker
from fugong.workforce.selectors import worker_get

from . import consequences
from .contacts import (
    BY_HAND,
    RULES,
    PersonKey,
    Reason,
    Subject,
    Window,
    exposure_window,
    find_contacts,
    last_contact_day,
    merge_reasons,
)
from .models import Case, CaseEntryKind, Contact, ContactRules, ContactStatus, PersonKind
from .people import external_person, visitor_person, worker_person
from .selectors import contact_rules_on
from .services import case_entry_add

RULE_FLAGS = (
    "same_department_shift",
    "same_dormitory_room",
    "same_shuttle_route",
    "same_gate",
    "visitors_hosted",
)


class FindResult:
    """What a search did: the window, the rules' date, and how many people it found."""

    def __init__(self, *, case: Case, window: Window, rules: ContactRules) -> None:
        self.case = case
        self.window = window
        self.rules = rules
        self.found = 0  # people found by this search
        self.new = 0  # of them, not contacts before
        self.updated = 0  # contacts that gained a reason
        self.by_rule: dict[str, int] = dict.fromkeys(RULES, 0)
        self.second_level = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": self.window.as_dict(),
            "rules_from": self.rules.effective_from.isoformat(),
            "found": self.found,
            "new": self.new,
            "updated": self.updated,
            "by_rule": self.by_rule,
            "second_level": self.second_level,
        }


def _lock_case(case: Case) -> Case:
    return (
        # Only the case's row: PostgreSQL locks no nullable side of an outer join.
        Case.objects.select_for_update(of=("self",))
        .select_related("worker__enterprise", "enterprise")
        .get(pk=case.pk)
    )


# The person fields of a found worker or visitor, read as values (no model instances: the
# largest enterprise's search finds a thousand people). Mirrors ``people.worker_person`` and
# ``people.visitor_person``.
WORKER_VALUES = (
    "pk",
    "full_name",
    "document_type",
    "document_cipher",
    "document_digest",
    "document_masked",
    "phone_cipher",
    "phone_masked",
    "residence_code",
    "enterprise_id",
    "department",
)
VISITOR_VALUES = (
    "pk",
    "full_name",
    "document_type",
    "document_cipher",
    "document_digest",
    "document_masked",
    "phone_cipher",
    "phone_masked",
    "origin_code",
    "gate__enterprise_id",
)
CONTACT_COLUMNS = (
    "created_at",
    "updated_at",
    "person_kind",
    "worker_id",
    "visitor_id",
    "full_name",
    "document_type",
    "document_cipher",
    "document_digest",
    "document_masked",
    "phone_cipher",
    "phone_masked",
    "residence_code",
    "enterprise_id",
    "department",
    "case_id",
    "level",
    "via_id",
    "status",
    "reasons",
    "last_contact_on",
    "added_by_hand",
    "found_by_id",
    "drop_reason",
)


def _people(keys: set[PersonKey]) -> dict[PersonKey, dict[str, Any]]:
    """The person fields of each worker and visitor found (whose data was not removed)."""
    worker_ids = [pk for kind, pk in keys if kind == "worker"]
    visitor_ids = [pk for kind, pk in keys if kind == "visitor"]
    people: dict[PersonKey, dict[str, Any]] = {}
    for start in range(0, len(worker_ids), 900):
        rows = Worker.objects.filter(
            pk__in=worker_ids[start : start + 900], personal_data_removed_at__isnull=True
        ).values(*WORKER_VALUES)
        for row in rows:
            pk = row.pop("pk")
            people[("worker", pk)] = {
                "person_kind": PersonKind.WORKER,
                "worker_id": pk,
                "visitor_id": None,
                **row,
            }
    for start in range(0, len(visitor_ids), 900):
        rows = Visitor.objects.filter(
            pk__in=visitor_ids[start : start + 900], personal_data_removed_at__isnull=True
        ).values(*VISITOR_VALUES)
        for row in rows:
            pk = row.pop("pk")
            people[("visitor", pk)] = {
                "person_kind": PersonKind.VISITOR,
                "worker_id": None,
                "visitor_id": pk,
                "residence_code": row.pop("origin_code"),
                "enterprise_id": row.pop("gate__enterprise_id"),
                "department": "",
                **row,
            }
    return people


def _merge_findings(
    *,
    actor: User,
    case: Case,
    found: dict[PersonKey, list[Reason]],
    via: dict[PersonKey, Contact],
    result: FindResult,
) -> None:
    """Add the reasons found to the case's contacts: new people become candidates, contacts
    already there gain the reasons they did not have (their decision stays)."""
    existing = list(
        case.contacts.only("pk", "worker_id", "visitor_id", "document_digest", "reasons")
    )
    by_worker = {contact.worker_id: contact for contact in existing if contact.worker_id}
    by_visitor = {contact.visitor_id: contact for contact in existing if contact.visitor_id}
    by_digest = {c.document_digest: c for c in existing if c.document_digest}
    people = _people(set(found))
    new_rows: dict[str, dict[str, Any]] = {}  # by document digest (or key): one row a person
    changed: dict[int, Contact] = {}
    now = timezone.now()
    # Workers first: a worker who also came as a visitor is one person, kept as the worker.
    for key in sorted(found, key=lambda key: (key[0] != "worker", key[1])):
        reasons = found[key]
        kind, pk = key
        person = people.get(key)
        if person is None:
            continue
        digest = person["document_digest"]
        if digest and digest == case.document_digest:
            continue  # the case's own person
        for reason in reasons:
            result.by_rule[reason["rule"]] = result.by_rule.get(reason["rule"], 0) + 1
        result.found += 1
        contact = (by_worker.get(pk) if kind == "worker" else by_visitor.get(pk)) or (
            by_digest.get(digest) if digest else None
        )
        if contact is not None:
            merged, added = merge_reasons(contact.reasons, reasons)
            contact.reasons = merged
            contact.last_contact_on = last_contact_day(merged)
            changed[contact.pk] = contact
            if added:
                result.updated += 1
            continue
        row = new_rows.get(digest or f"{kind}:{pk}")
        if row is not None:  # the same person found as a worker and as a visitor
            row["reasons"], _added = merge_reasons(row["reasons"], reasons)
            row["last_contact_on"] = last_contact_day(row["reasons"])
            continue
        level = min(reason["level"] for reason in reasons)
        through = via.get(key) if level > 1 else None
        new_rows[digest or f"{kind}:{pk}"] = {
            **person,
            "created_at": now,
            "updated_at": now,
            "case_id": case.pk,
            "level": level,
            "via_id": through.pk if through is not None else None,
            "status": ContactStatus.CANDIDATE,
            "reasons": list(reasons),
            "last_contact_on": last_contact_day(reasons),
            "added_by_hand": False,
            "found_by_id": actor.pk,
            "drop_reason": "",
        }
        result.new += 1
    if new_rows:
        bulk_insert_rows(
            Contact,
            CONTACT_COLUMNS,
            (tuple(row[column] for column in CONTACT_COLUMNS) for row in new_rows.values()),
        )
    if changed:
        bulk_update_rows(
            Contact,
            ["reasons", "last_contact_on", "updated_at"],
            ((pk, c.reasons, c.last_contact_on, now) for pk, c in changed.items()),
        )


@transaction.atomic
def contacts_find(*, actor: User, case: Case, second_level: bool = False) -> FindResult:
    """Search the park's records for the case's close contacts in the exposure window (and, with
    ``second_level``, for the contacts of its confirmed contacts), merging into earlier searches."""
    require(actor, Action.CONTACTS_DECIDE)
    case = _lock_case(case)
    today = timezone.localdate()
    rules = contact_rules_on(today)
    window = exposure_window(case, rules, today=today)
    result = FindResult(case=case, window=window, rules=rules)
    found = dict(find_contacts(Subject.of(case), window, rules).reasons)
    via: dict[PersonKey, Contact] = {}
    if second_level:
        result.second_level = True
        confirmed = (
            case.contacts.filter(status=ContactStatus.CONFIRMED, level=1)
            .select_related("worker__enterprise", "enterprise")
            .order_by("pk")
        )
        for contact in confirmed:
            if contact.worker_id is None and contact.visitor_id is None:
                continue
            start = min(
                (date.fromisoformat(r["on"]) for r in contact.reasons if r.get("on")),
                default=window.start,
            )
            their_window = Window(start=max(start, window.start), end=max(today, start))
            subject = Subject.of(contact, level=2, via=contact.pk)
            for key, reasons in find_contacts(subject, their_window, rules).reasons.items():
                if key == ("worker", contact.worker_id) or key == ("visitor", contact.visitor_id):
                    continue
                found.setdefault(key, []).extend(reasons)
                via.setdefault(key, contact)
    for own in (("worker", case.worker_id), ("visitor", case.visitor_id)):
        if own[1] is not None:
            found.pop((own[0], own[1]), None)
    _merge_findings(actor=actor, case=case, found=found, via=via, result=result)
    data = result.as_dict()
    summary = _("%(found)s people found (%(new)s new), %(start)s to %(end)s") % {
        "found": result.found,
        "new": result.new,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
    }
    case_entry_add(
        case=case, kind=CaseEntryKind.CONTACTS_FOUND, actor=actor, summary=summary, data=data
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTACTS_FOUND,
        target=case,
        enterprise=case.enterprise,
        summary=f"#{case.pk} {summary}",
        data=data,
    )
    return result


def _lock_contact(contact: Contact) -> Contact:
    try:
        return Contact.objects.select_for_update().select_related("case").get(pk=contact.pk)
    except Contact.DoesNotExist as error:  # pragma: no cover - deleted meanwhile
        raise NotFoundError() from error


@transaction.atomic
def contact_confirm(*, actor: User, contact: Contact) -> Contact:
    """Confirm a candidate (or a dropped one) as a close contact; its consequences follow in the
    same transaction."""
    require(actor, Action.CONTACTS_DECIDE)
    contact = _lock_contact(contact)
    if contact.status == ContactStatus.CONFIRMED:
        raise ConflictError(_("This close contact is confirmed already."), code="confirmed")
    contact.status = ContactStatus.CONFIRMED
    contact.decided_at = timezone.now()
    contact.decided_by = actor
    contact.drop_reason = ""
    contact.save(update_fields=["status", "decided_at", "decided_by", "drop_reason", "updated_at"])
    case_entry_add(
        case=contact.case,
        kind=CaseEntryKind.CONTACT_CONFIRMED,
        actor=actor,
        summary=contact.full_name,
        data={"contact": contact.pk, "level": contact.level},
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTACT_CONFIRMED,
        target=contact,
        enterprise=contact.enterprise,
        summary=f"#{contact.case_id} → {contact.pk}",
        data={"case": contact.case_id, "level": contact.level},
    )
    consequences.contact_confirmed_consequences(actor=actor, contact=contact)
    return contact


@transaction.atomic
def contact_drop(*, actor: User, contact: Contact, reason: str) -> Contact:
    """Drop a candidate, saying why (a confirmed contact stays: their observation is set)."""
    require(actor, Action.CONTACTS_DECIDE)
    reason = " ".join((reason or "").split())
    if not reason:
        message = _("Say why this person is dropped.")
        raise ApplicationError(message, code="invalid", fields={"reason": [message]})
    if len(reason) > 300:
        message = _("A reason has at most 300 characters.")
        raise ApplicationError(message, code="invalid", fields={"reason": [message]})
    contact = _lock_contact(contact)
    if contact.status == ContactStatus.DROPPED:
        raise ConflictError(_("This person is dropped already."), code="dropped")
    if contact.status == ContactStatus.CONFIRMED:
        raise ConflictError(
            _("A confirmed close contact cannot be dropped: they are under observation."),
            code="confirmed",
        )
    contact.status = ContactStatus.DROPPED
    contact.decided_at = timezone.now()
    contact.decided_by = actor
    contact.drop_reason = reason
    contact.save(update_fields=["status", "decided_at", "decided_by", "drop_reason", "updated_at"])
    case_entry_add(
        case=contact.case,
        kind=CaseEntryKind.CONTACT_DROPPED,
        actor=actor,
        summary=f"{contact.full_name}: {reason}",
        data={"contact": contact.pk},
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTACT_DROPPED,
        target=contact,
        enterprise=contact.enterprise,
        summary=f"#{contact.case_id} → {contact.pk}",
        data={"case": contact.case_id, "reason": reason},
    )
    return contact


def _visitor_in_scope(actor: User, visitor_id: int | str) -> Visitor:
    try:
        return Visitor.objects.select_related("gate__enterprise").get(
            pk=int(visitor_id), gate__in=gate_scope(actor), personal_data_removed_at__isnull=True
        )
    except (Visitor.DoesNotExist, ValueError, TypeError) as error:
        raise NotFoundError() from error


def _hand_person(
    *,
    actor: User,
    worker_id: int | None,
    visitor_id: int | None,
    external: dict[str, Any] | None,
) -> dict[str, Any]:
    given = [value for value in (worker_id, visitor_id, external) if value]
    if len(given) != 1:
        raise ApplicationError(
            _("Choose a worker, a visitor, or enter a person from outside the park."),
            code="invalid",
            fields={"person": [_("Exactly one person is required.")]},
        )
    if worker_id:
        return worker_person(worker_get(actor=actor, worker_id=worker_id))
    if visitor_id:
        return visitor_person(_visitor_in_scope(actor, visitor_id))
    assert external is not None
    return external_person(**external)


@transaction.atomic
def contact_add(
    *,
    actor: User,
    case: Case,
    last_contact_on: date | None,
    worker_id: int | None = None,
    visitor_id: int | None = None,
    external: dict[str, Any] | None = None,
    note: str = "",
) -> Contact:
    """Add a person the records do not show (a family member, a colleague met off site) as a
    candidate, with the day of the last contact and a note."""
    require(actor, Action.CONTACTS_DECIDE)
    fields = _hand_person(
        actor=actor, worker_id=worker_id, visitor_id=visitor_id, external=external
    )
    note = " ".join((note or "").split())
    if len(note) > 300:
        message = _("A note has at most 300 characters.")
        raise ApplicationError(message, code="invalid", fields={"note": [message]})
    if last_contact_on is None:
        message = _("Enter the day of the last contact.")
        raise ApplicationError(message, code="invalid", fields={"last_contact_on": [message]})
    if last_contact_on > timezone.localdate():
        message = _("This date is in the future.")
        raise ApplicationError(message, code="invalid", fields={"last_contact_on": [message]})
    case = _lock_case(case)
    own = (
        (fields["worker"] is not None and fields["worker"].pk == case.worker_id)
        or (fields["visitor"] is not None and fields["visitor"].pk == case.visitor_id)
        or (bool(fields["document_digest"]) and fields["document_digest"] == case.document_digest)
    )
    if own:
        message = _("The case cannot be their own close contact.")
        raise ApplicationError(message, code="own_contact", fields={"person": [message]})
    duplicates = Contact.objects.none()
    if fields["worker"] is not None:
        duplicates |= case.contacts.filter(worker=fields["worker"])
    if fields["visitor"] is not None:
        duplicates |= case.contacts.filter(visitor=fields["visitor"])
    if fields["document_digest"]:
        duplicates |= case.contacts.filter(document_digest=fields["document_digest"])
    duplicate = duplicates.first()
    if duplicate is not None:
        raise ConflictError(
            _("This person is a contact of the case already (%(name)s).")
            % {"name": duplicate.full_name},
            code="contact_exists",
        )
    reason: Reason = {
        "rule": BY_HAND,
        "on": last_contact_on.isoformat(),
        "level": 1,
        "via": None,
        "note": note,
        "by": actor.get_full_name() or actor.get_username(),
    }
    contact = Contact(
        **fields,
        case=case,
        level=1,
        status=ContactStatus.CANDIDATE,
        reasons=[reason],
        last_contact_on=last_contact_on,
        added_by_hand=True,
        found_by=actor,
    )
    full_clean_or_raise(
        contact, exclude=["worker", "visitor", "enterprise", "case", "via", "found_by"]
    )
    contact.save()
    case_entry_add(
        case=case,
        kind=CaseEntryKind.CONTACT_ADDED,
        actor=actor,
        summary=contact.full_name,
        data={"contact": contact.pk},
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTACT_ADDED,
        target=contact,
        enterprise=contact.enterprise,
        summary=f"#{case.pk} → {contact.pk}",
        data={"case": case.pk, "last_contact_on": last_contact_on.isoformat()},
    )
    return contact


@transaction.atomic
def contact_rules_save(
    *,
    actor: User,
    effective_from: date | None,
    days_before_onset: int | None,
    same_gate_minutes: int | None,
    note: str = "",
    **flags: bool,
) -> ContactRules:
    """A new set of contact rules from its effective date (searches run on or after it use them;
    earlier searches keep what they found)."""
    require(actor, Action.CONTACT_RULES_MANAGE)
    unknown = set(flags) - set(RULE_FLAGS)
    if unknown:
        raise ApplicationError(
            _("Unknown rules: %(rules)s") % {"rules": ", ".join(sorted(unknown))}
        )
    errors: dict[str, list[str]] = {}
    if effective_from is None:
        errors["effective_from"] = [_("Enter the effective date.")]
    if days_before_onset is None or days_before_onset <= 0:
        errors["days_before_onset"] = [
            _("The exposure window starts at least one day before onset.")
        ]
    if same_gate_minutes is None or same_gate_minutes <= 0:
        errors["same_gate_minutes"] = [_("Enter at least one minute.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid", fields=errors)
    assert effective_from is not None
    assert days_before_onset is not None and same_gate_minutes is not None
    rules = ContactRules(
        effective_from=effective_from,
        days_before_onset=days_before_onset,
        same_gate_minutes=same_gate_minutes,
        note=" ".join((note or "").split()),
        created_by=actor,
        **{flag: bool(flags.get(flag, True)) for flag in RULE_FLAGS},
    )
    full_clean_or_raise(rules, exclude=["effective_from", "created_by"])
    if ContactRules.objects.filter(effective_from=effective_from).exists():
        message = _("Contact rules with this effective date exist already.")
        raise ConflictError(message, code="exists", fields={"effective_from": [message]})
    rules.save()
    values: dict[str, Any] = {
        "effective_from": str(effective_from),
        "days_before_onset": days_before_onset,
        "same_gate_minutes": same_gate_minutes,
        **{flag: getattr(rules, flag) for flag in RULE_FLAGS},
    }
    audit_event_record(
        actor=actor,
        action=AuditAction.CONTACT_RULES_SAVED,
        target=rules,
        summary=str(effective_from),
        data=values,
    )
    return rules
