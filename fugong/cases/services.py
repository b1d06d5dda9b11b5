"""Writes on cases: opening a case (by hand or from an abnormal gate event), changing its
classification (kept as history with its effective date), and editing its dates and isolation.

Close contacts (``contacts``), their consequences and the daily follow-ups have their own
modules; every write here is atomic, validated, and leaves a timeline entry and an audit row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.errors import ApplicationError, ConflictError, NotFoundError, full_clean_or_raise
from fugong.core.roles import Action, require
from fugong.gate.models import EventOutcome, Visitor
from fugong.gate.selectors import event_get
from fugong.workforce.selectors import worker_get

from .models import (
    Case,
    CaseEntry,
    CaseEntryKind,
    CaseSource,
    Classification,
    ClassificationChange,
)
from .people import external_person, visitor_person, worker_person

# What an abnormal event's outcome proposes for the case opened from it.
OUTCOME_CLASSIFICATION: dict[str, str] = {
    EventOutcome.SUSPECTED: Classification.SUSPECTED,
    EventOutcome.CONFIRMED: Classification.CONFIRMED,
}


def case_entry_add(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEntry:
    """One line on the case's timeline (inside the caller's transaction)."""
    return CaseEntry.objects.create(
        case=case,
        kind=kind,
        summary=summary[:500],
        data=data or {},
        actor=actor,
        at=at or timezone.now(),
    )


def check_case_dates(
    *,
    onset_on: date | None,
    sampling_on: date | None,
    isolated_on: date | None,
    today: date | None = None,
) -> None:
    """Onset and sampling dates are in the past and not after isolation; one of them is known
    (the exposure window is counted back from it)."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if onset_on is None and sampling_on is None:
        errors["onset_on"] = [_("Enter the onset date, the sampling date, or both.")]
    for field, value in (
        ("onset_on", onset_on),
        ("sampling_on", sampling_on),
        ("isolated_on", isolated_on),
    ):
        if value is not None and value > today:
            errors.setdefault(field, []).append(_("This date is in the future."))
    if isolated_on is not None:
        for field, value in (("onset_on", onset_on), ("sampling_on", sampling_on)):
            if value is not None and value > isolated_on:
                errors.setdefault(field, []).append(
                    _("This date is after the day the person was isolated.")
                )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid", fields=errors)


def _person_fields(
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
        try:
            visitor = Visitor.objects.select_related("gate__enterprise").get(pk=int(visitor_id))
        except (Visitor.DoesNotExist, ValueError, TypeError) as error:
            raise NotFoundError() from error
        return visitor_person(visitor)
    assert external is not None
    return external_person(**external)


def _refuse_second_open_case(fields: dict[str, Any], *, is_drill: bool) -> None:
    """One person has at most one case that is not excluded (drills apart)."""
    cases = Case.objects.filter(is_drill=is_drill).exclude(classification=Classification.EXCLUDED)
    if fields["worker"] is not None:
        cases = cases.filter(worker=fields["worker"])
    elif fields["visitor"] is not None:
        cases = cases.filter(visitor=fields["visitor"])
    elif fields["document_digest"]:
        cases = cases.filter(document_digest=fields["document_digest"])
    else:
        return
    existing = cases.first()
    if existing is not None:
        raise ConflictError(
            _("This person already has an open case (#%(number)s).") % {"number": existing.pk},
            code="case_exists",
        )


@transaction.atomic
def case_open(
    *,
    actor: User,
    classification: str = "",
    source: str = CaseSource.OTHER,
    worker_id: int | None = None,
    visitor_id: int | None = None,
    external: dict[str, Any] | None = None,
    abnormal_event_id: int | None = None,
    onset_on: date | None = None,
    sampling_on: date | None = None,
    isolated_on: date | None = None,
    isolation_kind: str = "",
    isolation_place: str = "",
    source_detail: str = "",
    is_drill: bool = False,
    notes: str = "",
    at: datetime | None = None,
) -> Case:
    """Open a case for a worker, a visitor or a person from outside the park, or from an
    abnormal gate event (its person; its outcome, suspected or confirmed, proposes the
    classification). The classification's first history row takes effect today (``at``, for
    the demo park's history: the day of that moment; views and the API never pass it)."""
    require(actor, Action.CASES_MANAGE)
    event = None
    if abnormal_event_id:
        event = event_get(actor=actor, event_id=abnormal_event_id)
        if worker_id or visitor_id or external:
            raise ApplicationError(
                _("A case opened from an abnormal event is about the event's person."),
                code="invalid",
                fields={"person": [_("Exactly one person is required.")]},
            )
        if event.worker is not None:
            fields = worker_person(event.worker)
        elif event.visitor is not None:
            fields = visitor_person(event.visitor)
        else:  # pragma: no cover - an event always concerns a worker or a visitor
            raise ConflictError(_("This event names nobody."))
        source = CaseSource.GATE_EVENT
        classification = classification or OUTCOME_CLASSIFICATION.get(
            event.outcome, Classification.SUSPECTED
        )
    else:
        fields = _person_fields(
            actor=actor, worker_id=worker_id, visitor_id=visitor_id, external=external
        )
    if classification not in Classification.values:
        raise ApplicationError(
            _("Choose a classification."),
            code="invalid",
            fields={"classification": [_("Choose a classification.")]},
        )
    today = timezone.localdate(at) if at else timezone.localdate()
    check_case_dates(
        onset_on=onset_on, sampling_on=sampling_on, isolated_on=isolated_on, today=today
    )
    _refuse_second_open_case(fields, is_drill=is_drill)
    case = Case(
        **fields,
        classification=classification,
        classified_on=today,
        onset_on=onset_on,
        sampling_on=sampling_on,
        source=source,
        source_detail=source_detail,
        abnormal_event=event,
        isolated_on=isolated_on,
        isolation_kind=isolation_kind,
        isolation_place=isolation_place,
        is_drill=is_drill,
        notes=notes,
        opened_by=actor,
    )
    full_clean_or_raise(case, exclude=["worker", "visitor", "enterprise", "abnormal_event"])
    case.save()
    ClassificationChange.objects.create(
        case=case,
        old_classification="",
        new_classification=classification,
        effective_on=today,
        actor=actor,
        at=at or timezone.now(),
    )
    summary = _("%(classification)s: %(name)s") % {
        "classification": case.get_classification_display(),
        "name": case.full_name,
    }
    case_entry_add(case=case, kind=CaseEntryKind.OPENED, actor=actor, summary=summary, at=at)
    audit_event_record(
        actor=actor,
        action=AuditAction.CASE_OPENED,
        target=case,
        enterprise=case.enterprise,
        summary=f"#{case.pk} {case.get_classification_display()}"
        + (" (" + _("drill") + ")" if is_drill else ""),
        data={"classification": classification, "drill": is_drill, "source": source},
    )
    return case


@transaction.atomic
def case_classify(
    *,
    actor: User,
    case: Case,
    classification: str,
    effective_on: date | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Case:
    """Change a case's classification (suspected → confirmed, → excluded after a negative
    test…), effective on a day not in the future and not before the previous change (``at``
    records the change at a past moment, for the demo park; views and the API never pass it)."""
    require(actor, Action.CASES_MANAGE)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if classification not in Classification.values:
        raise ApplicationError(
            _("Choose a classification."),
            code="invalid",
            fields={"classification": [_("Choose a classification.")]},
        )
    if classification == case.classification:
        raise ConflictError(_("The case already has this classification."), code="unchanged")
    today = timezone.localdate(at) if at else timezone.localdate()
    effective_on = effective_on or today
    if effective_on > today:
        raise ApplicationError(
            _("This date is in the future."),
            code="invalid",
            fields={"effective_on": [_("This date is in the future.")]},
        )
    if effective_on < case.classified_on:
        message = _("The change cannot take effect before the previous one (%(day)s).") % {
            "day": case.classified_on.isoformat()
        }
        raise ApplicationError(message, code="invalid", fields={"effective_on": [message]})
    old = case.classification
    case.classification = classification
    case.classified_on = effective_on
    case.save(update_fields=["classification", "classified_on", "updated_at"])
    ClassificationChange.objects.create(
        case=case,
        old_classification=old,
        new_classification=classification,
        effective_on=effective_on,
        note=note[:500],
        actor=actor,
        at=at or timezone.now(),
    )
    labels = dict(Classification.choices)
    summary = f"{labels.get(old, old)} → {labels[classification]}"
    case_entry_add(
        case=case,
        kind=CaseEntryKind.CLASSIFIED,
        actor=actor,
        summary=summary,
        data={"from": old, "to": classification, "effective_on": effective_on.isoformat()},
        at=at,
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CASE_CLASSIFIED,
        target=case,
        enterprise=case.enterprise,
        summary=f"#{case.pk} {summary}",
        data={"from": old, "to": classification, "effective_on": effective_on.isoformat()},
    )
    return case


CASE_EDITABLE_FIELDS = (
    "onset_on",
    "sampling_on",
    "isolated_on",
    "isolation_kind",
    "isolation_place",
    "source_detail",
    "notes",
)


def _field_label(field: str) -> str:
    return str(getattr(Case._meta.get_field(field), "verbose_name", field))


@transaction.atomic
def case_update(*, actor: User, case: Case, **changes: Any) -> Case:
    """Edit a case's dates, isolation and notes (the person and the classification have their
    own ways: a new case, ``case_classify``)."""
    require(actor, Action.CASES_MANAGE)
    unknown = set(changes) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = {field: getattr(case, field) for field in changes}
    for field, value in changes.items():
        setattr(case, field, value)
    check_case_dates(
        onset_on=case.onset_on, sampling_on=case.sampling_on, isolated_on=case.isolated_on
    )
    full_clean_or_raise(case, exclude=["worker", "visitor", "enterprise", "abnormal_event"])
    changed = [field for field in changes if before[field] != getattr(case, field)]
    if not changed:
        return case
    case.save(update_fields=[*changed, "updated_at"])
    isolated = "isolated_on" in changed and case.isolated_on is not None
    case_entry_add(
        case=case,
        kind=CaseEntryKind.ISOLATED if isolated else CaseEntryKind.UPDATED,
        actor=actor,
        summary=", ".join(
            str(getattr(Case._meta.get_field(field), "verbose_name", field)) for field in changed
        ),
        data={"fields": changed},
    )
    audit_event_record(
        actor=actor,
        action=AuditAction.CASE_UPDATED,
        target=case,
        enterprise=case.enterprise,
        summary=f"#{case.pk}",
        data={"fields": changed},
    )
    return case
