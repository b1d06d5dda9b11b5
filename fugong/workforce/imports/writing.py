"""Writing a checked roster in one transaction, set-based: new workers, their employments and
travel in bulk inserts; changed workers in bulk updates; those taken on again with a new
employment; the clearances assessed in Python, one screening run and its clearance changes, one
audit event.
"""

from __future__ import annotations

import operator
import time
from collections import defaultdict
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.models import User
from fugong.audit.models import AuditAction
from fugong.audit.services import audit_event_record
from fugong.core.bulk import KeySet, bulk_insert_rows, bulk_update_rows, select_rows
from fugong.core.crypto import encrypt_many
from fugong.enterprises.models import Enterprise
from fugong.screening import engine
from fugong.screening.models import ClearanceChange, ScreeningRun

from ..clearance import closures_covering, open_closures
from ..models import Employment, TravelRecord, Worker, WorkerPass
from ..personal import phone_digest, stored_phone
from ..services.fields import SCREENED_FIELDS, WORKER_FIELDS
from .rows import ParsedRow, WorkerImportReport, _on_other_rosters

# The worker columns the import writes, in this order: the fields a form or the API may set.
WORKER_COLUMNS = WORKER_FIELDS
# A worker's WORKER_COLUMNS values from a dict of them, as a tuple (one C-level call).
worker_values = operator.itemgetter(*WORKER_COLUMNS)
FILE_KEYS = {
    "full_name": "full_name",
    "department": "department",
    "shift": "shift",
    "dormitory_room": "dormitory_room",
    "shuttle_route": "shuttle_route",
    "residence": "residence_code",
    "holiday_location": "holiday_location_code",
    "returned_on": "returned_on",
    "contact_on": "contact_on",
    "symptoms": "symptoms",
    "health_code": "health_code",
    "health_code_on": "health_code_on",
}


EXISTING_FIELDS = tuple(
    dict.fromkeys(
        (
            "id",
            "document_digest",
            "enterprise_id",
            "phone_digest",
            *WORKER_COLUMNS,
            *engine.WORKER_FACT_FIELDS[2:],
        )
    )
)


class _Assessor:
    """``engine.assess`` for the rows of one import, run once per distinct set of facts: the
    outcome is a pure function of them, and on a roster many workers share them (same place,
    same return date, no symptoms)."""

    def __init__(self, today: date) -> None:
        self.policy = engine.policy_on(today)
        self.areas = engine.areas_in_force(today)
        self.today = today
        self.city = settings.FUGONG_PARK_CITY_PREFIX
        # Facts → the outcome, and its reasons as the list a worker row stores: one list per
        # outcome, shared by the rows (``bulk_insert_rows`` serialises a shared list once).
        self.outcomes: dict[tuple, tuple[engine.Outcome, list[dict]]] = {}

    def outcome(
        self,
        values: dict[str, Any],
        travel: list[engine.Stay],
        hold: str,
        closed: tuple[tuple[str, str], ...],
    ) -> tuple[engine.Outcome, list[dict]]:
        """The outcome for a worker's values (``WORKER_COLUMNS``), travel, medical hold and
        the closures that cover them, with its reasons as a list."""
        # The facts the clearance is assessed on (travel, hold and closures aside).
        facts = tuple([values[key] for key in SCREENED_FIELDS])
        key = (facts, tuple(travel), hold, closed)
        known = self.outcomes.get(key)
        if known is None:
            outcome = engine.assess(
                engine.Facts(
                    **dict(zip(SCREENED_FIELDS, facts, strict=True)),
                    travel=key[1],
                    medical_hold=hold,
                    closed=closed,
                ),
                policy=self.policy,
                areas=self.areas,
                today=self.today,
                city_prefix=self.city,
            )
            known = self.outcomes[key] = (outcome, list(outcome.reasons))
        return known


@transaction.atomic
def _write(
    actor: User,
    enterprise: Enterprise,
    parsed: list[ParsedRow],
    report: WorkerImportReport,
    today: date,
) -> None:
    started = time.perf_counter()
    now = timezone.now()
    digests = KeySet((row.document.digest for row in parsed), name="import_digests")
    existing: dict[str, dict[str, Any]] = {
        record["document_digest"]: record
        for record in (
            dict(zip(EXISTING_FIELDS, row, strict=True))
            for row in select_rows(
                Worker.objects.filter(document_digest__in=digests.subquery()), EXISTING_FIELDS
            )
        )
    }
    refused = _on_other_rosters(
        parsed, {digest: record["enterprise_id"] for digest, record in existing.items()}, enterprise
    )
    if refused:
        digests.drop()
        report.errors.extend(refused)
        return
    stored_travel: dict[int, list[engine.Stay]] = defaultdict(list)
    if existing:
        for worker_id, code, begin, end in select_rows(
            TravelRecord.objects.filter(worker__document_digest__in=digests.subquery()),
            ("worker_id", "division_code", "from_date", "to_date"),
        ):
            stored_travel[worker_id].append((code, begin, end))

    assessor = _Assessor(today)
    enterprise_id = enterprise.pk
    closures = open_closures(enterprise_id)
    covering: dict[str, tuple[tuple[str, str], ...]] = {}  # department → the closures over it

    def closed(department: str) -> tuple[tuple[str, str], ...]:
        try:
            return covering[department]
        except KeyError:
            found = covering[department] = closures_covering(closures, enterprise_id, department)
            return found

    blank: dict[str, Any] = dict.fromkeys(WORKER_COLUMNS, "")
    blank.update(returned_on=None, contact_on=None, health_code_on=None)

    new_rows: list[tuple] = []
    new_travel: dict[str, list[engine.Stay]] = {}
    departments: dict[
        str | int, str
    ] = {}  # new workers by digest, moved ones by id: the employment's department
    updates: list[tuple] = []
    travel_replaced: dict[int, list[engine.Stay]] = {}
    moved_ids: list[int] = []
    reason_cleared: list[int] = []
    changes: list[tuple[dict[str, Any], engine.Outcome]] = []
    updates_with_phone: list[tuple] = []
    update_fields = [
        *WORKER_COLUMNS,
        "enterprise",
        "clearance",
        "observation_until",
        "clearance_reasons",
        "clearance_computed_at",
        "updated_at",
    ]

    # The new workers' numbers, encrypted together (one draw of random nonces for all).
    new_parsed = [row for row in parsed if row.document.digest not in existing]
    document_ciphers = iter(encrypt_many([row.document.number for row in new_parsed]))
    phone_ciphers = iter(encrypt_many([row.phone for row in new_parsed if row.phone]))

    for row in parsed:
        record = existing.get(row.document.digest)
        if record is None:
            values: dict[str, Any] = {**blank, **row.values}
            travel = row.travel or []
            outcome, reasons = assessor.outcome(values, travel, "", closed(values["department"]))
            document = row.document.stored(cipher=next(document_ciphers))
            phone = stored_phone(row.phone or "", cipher=next(phone_ciphers) if row.phone else None)
            new_rows.append(
                (
                    now,
                    now,
                    enterprise_id,
                    *worker_values(values),
                    document["document_type"],
                    document["document_cipher"],
                    document["document_digest"],
                    document["document_masked"],
                    document["birth_year"],
                    document["sex"],
                    phone["phone_cipher"],
                    phone["phone_digest"],
                    phone["phone_masked"],
                    outcome.clearance,
                    outcome.until,
                    reasons,
                    now,
                    "",
                    "",
                )
            )
            new_travel[row.document.digest] = travel
            departments[row.document.digest] = values["department"]
            continue
        # Someone who had left is taken on again, starting clean: nothing of the old employment
        # is kept but a medical hold, without its details.
        rejoining = record["enterprise_id"] is None
        if rejoining:
            merged: dict[str, Any] = dict(blank)
            hold = engine.HOLD_WITHOUT_DETAIL if record["medical_hold"] else ""
            travel = row.travel or []
        else:
            merged = dict(zip(WORKER_COLUMNS, worker_values(record), strict=True))
            hold = record["medical_hold"]
            travel = row.travel if row.travel is not None else stored_travel[record["id"]]
        merged.update(row.values)
        outcome, reasons = assessor.outcome(merged, travel, hold, closed(merged["department"]))
        phone_changed = rejoining or (
            row.phone is not None
            and (phone_digest(row.phone) if row.phone else "") != record["phone_digest"]
        )
        travel_changed = rejoining or (
            row.travel is not None
            and sorted(row.travel, key=str) != sorted(stored_travel[record["id"]], key=str)
        )
        fields_changed = worker_values(merged) != worker_values(record)
        clearance_row = (outcome.clearance, outcome.until, reasons)
        clearance_changed = clearance_row != (
            record["clearance"],
            record["observation_until"],
            record["clearance_reasons"],
        )
        if not (
            rejoining or phone_changed or travel_changed or fields_changed or clearance_changed
        ):
            report.unchanged += 1
            continue
        base = (
            record["id"],
            *worker_values(merged),
            enterprise_id,
            *clearance_row,
            now,
            now,
        )
        if phone_changed:
            phone = stored_phone(row.phone or "")
            updates_with_phone.append(
                (*base, phone["phone_cipher"], phone["phone_digest"], phone["phone_masked"])
            )
        else:
            updates.append(base)
        if travel_changed:
            travel_replaced[record["id"]] = travel
        if rejoining or merged["contact_on"] != record["contact_on"]:
            # The reason a close contact's date was set does not outlive the date.
            reason_cleared.append(record["id"])
        if rejoining:
            moved_ids.append(record["id"])
            departments[record["id"]] = merged["department"]
            report.moved += 1
        else:
            report.updated += 1
        if clearance_row[:2] != (record["clearance"], record["observation_until"]):
            changes.append((record, outcome))

    # New workers.
    insert_fields = [
        "created_at",
        "updated_at",
        "enterprise",
        *WORKER_COLUMNS,
        "document_type",
        "document_cipher",
        "document_digest",
        "document_masked",
        "birth_year",
        "sex",
        "phone_cipher",
        "phone_digest",
        "phone_masked",
        "clearance",
        "observation_until",
        "clearance_reasons",
        "clearance_computed_at",
        "medical_hold",
        "contact_reason",
    ]
    if new_rows:
        bulk_insert_rows(Worker, insert_fields, new_rows)
        new_digests = list(new_travel)
        new_ids = {
            digest: worker_id
            for digest, worker_id in select_rows(
                Worker.objects.filter(document_digest__in=digests.subquery()),
                ("document_digest", "id"),
            )
            if digest in new_travel
        }
        bulk_insert_rows(
            Employment,
            ["worker", "enterprise", "started_on", "ended_on", "department"],
            (
                (new_ids[digest], enterprise_id, today, None, departments[digest])
                for digest in new_digests
            ),
        )
        bulk_insert_rows(
            TravelRecord,
            ["worker", "division_code", "from_date", "to_date"],
            (
                (new_ids[digest], code, start, end)
                for digest, stays in new_travel.items()
                for code, start, end in stays
            ),
        )
        report.created = len(new_rows)

    # Existing workers.
    if updates:
        bulk_update_rows(Worker, update_fields, updates)
    if updates_with_phone:
        bulk_update_rows(
            Worker,
            [*update_fields, "phone_cipher", "phone_digest", "phone_masked"],
            updates_with_phone,
        )
    for start in range(0, len(reason_cleared), 5000):
        Worker.objects.filter(pk__in=reason_cleared[start : start + 5000]).exclude(
            contact_reason=""
        ).update(contact_reason="")
    if moved_ids:
        Employment.objects.filter(worker_id__in=moved_ids, ended_on__isnull=True).update(
            ended_on=today
        )
        WorkerPass.objects.filter(worker_id__in=moved_ids, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor, revoke_reason=_("moved to another enterprise")
        )
        bulk_insert_rows(
            Employment,
            ["worker", "enterprise", "started_on", "ended_on", "department"],
            (
                (worker_id, enterprise_id, today, None, departments[worker_id])
                for worker_id in moved_ids
            ),
        )
        Worker.objects.filter(pk__in=moved_ids).exclude(medical_hold="").update(
            medical_hold=engine.HOLD_WITHOUT_DETAIL
        )
    if travel_replaced:
        TravelRecord.objects.filter(worker_id__in=list(travel_replaced)).delete()
        bulk_insert_rows(
            TravelRecord,
            ["worker", "division_code", "from_date", "to_date"],
            (
                (worker_id, code, start, end)
                for worker_id, stays in travel_replaced.items()
                for code, start, end in stays
            ),
        )
    digests.drop()
    run = ScreeningRun.objects.create(
        trigger=ScreeningRun.Trigger.IMPORT,
        enterprise=enterprise,
        description=enterprise.name[:300],
        created_at=now,
        created_by=actor,
        examined=len(parsed),
        changed=len(changes),
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    ClearanceChange.objects.bulk_create(
        (
            ClearanceChange(
                run=run,
                worker_id=record["id"],
                # None for a worker taken on again: the change starts from the old employment's
                # clearance, which is not the new enterprise's to see (as in
                # services.workers._join).
                enterprise_id=record["enterprise_id"],
                old_clearance=record["clearance"],
                old_until=record["observation_until"],
                new_clearance=outcome.clearance,
                new_until=outcome.until,
                reasons=list(outcome.reasons),
            )
            for record, outcome in changes
        ),
        batch_size=2000,
    )
    report.clearance_changed = len(changes)
    audit_event_record(
        actor=actor,
        action=AuditAction.WORKERS_IMPORTED,
        target=enterprise,
        enterprise=enterprise,
        summary=_(
            "%(created)s new, %(updated)s updated, %(moved)s taken on again, "
            "%(unchanged)s unchanged"
        )
        % {
            "created": report.created,
            "updated": report.updated,
            "moved": report.moved,
            "unchanged": report.unchanged,
        },
        data=report.as_dict() | {"errors": []},
    )
