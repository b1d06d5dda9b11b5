"""A batch is its checks one by one: the same answers, rows, events, holds, attendance and audit,
whatever mix it carries (passes, workers picked by id, visitors, strangers, fevers, repeats of
earlier checks); a retried batch creates nothing twice; checks from several devices of a gate;
and the shortcuts the batch path takes (instances built without ``Model.__init__``, one pass
signer per batch, one dump of a batch's payload) give what the ordinary ways give."""

import uuid
from decimal import Decimal

import pytest
from django.core import signing
from django.db import transaction
from django.utils import timezone

from fugong.audit.models import AuditEvent
from fugong.core.testing import assert_nothing_written, database_counts
from fugong.gate import services
from fugong.gate.instances import instance_from_db, instance_new
from fugong.gate.models import AbnormalEvent, Attendance, AttendanceCount, GateCheck, Visitor
from fugong.gate.services.judging import _pass_code, _PassSigner
from fugong.workforce.models import Worker
from fugong.workforce.services import PASS_PREFIX, PASS_SALT, pass_issue, pass_revoke, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .factories import check, unknown_pass_token, unknown_worker_id
from .helpers import body, post, record

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _visitor(sequence: int, contact_history: str = "") -> services.VisitorInput:
    return services.VisitorInput(
        full_name="送货司机",
        document_type="resident_id",
        document_number=resident_id(sequence=sequence),
        phone="13600000001",
        origin="长沙市",
        employer="长沙某物流",
        purpose="送货",
        host="仓储部",
        contact_history=contact_history,
    )


def _picture(results) -> dict:
    """What a recording did, without the ids the database gives (they differ between runs)."""
    return {
        "answers": [
            (
                result.status,
                result.check.verdict if result.check else None,
                list(result.check.reasons) if result.check else None,
                result.check.worker_id if result.check else None,
                result.event_id is not None,
                result.error.code if result.error else None,
            )
            for result in results
        ],
        "checks": sorted(
            GateCheck.objects.values_list(
                "client_id", "verdict", "reasons", "worker_id", "worker_enterprise_id", "disputed"
            )
        ),
        "events": sorted(
            AbnormalEvent.objects.values_list(
                "gate_check__client_id", "kind", "worker_id", "temperature", "spo2"
            )
        ),
        "visitors": sorted(Visitor.objects.values_list("full_name", "origin_code")),
        "attendance": sorted(Attendance.objects.values_list("day", "worker_id", "enterprise_id")),
        "counts": sorted(AttendanceCount.objects.values_list("day", "enterprise_id", "workers")),
        "holds": sorted(Worker.objects.values_list("pk", "medical_hold", "clearance")),
        "audit": sorted(AuditEvent.objects.values_list("action", "summary")),
    }


@pytest.fixture
def mix(park, gate, worker, token, stranger_token):
    """A batch of every kind of check, and a check stored before it (repeated in the batch)."""
    second = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=82)
    )
    third = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=84)
    )
    revoked = pass_issue(actor=park.officer, worker=third)
    revoked_token = pass_token(revoked)
    pass_revoke(actor=park.officer, worker_pass=revoked, reason="lost")
    earlier = check(pass_token=token, temperature=Decimal("36.4"))
    (stored,) = record(gate, earlier)
    assert stored.status == "created"
    items = [
        check(pass_token=token),  # the worker again: attendance once
        check(worker_id=second.pk),
        check(worker_id=second.pk, mask=False),
        check(pass_token=unknown_pass_token()),
        check(pass_token=f"{PASS_PREFIX}.forged.signature"),
        check(pass_token=revoked_token),
        check(pass_token=stranger_token),  # another enterprise's: unknown here
        check(worker_id=unknown_worker_id()),
        check(visitor=_visitor(83)),
        check(visitor=_visitor(85, contact_history="与确诊病例同车")),
        check(
            worker_id=second.pk, temperature=Decimal("38.2"), temperature_recheck=Decimal("38.1")
        ),
        check(pass_token=token, spo2=90),
        check(temperature=Decimal("99.9")),  # refused: not a body temperature
        check(earlier.client_id, pass_token=token, temperature=Decimal("36.4")),  # a repeat
        check(earlier.client_id, pass_token=token, temperature=Decimal("37.0")),  # conflict
        check(),  # nobody
    ]
    return items


def test_a_batch_answers_and_writes_what_its_checks_one_by_one_do(park, gate, mix):
    try:
        with transaction.atomic():
            one_by_one = [record(gate, item, operator=park.gate)[0] for item in mix]
            alone = _picture(one_by_one)
            raise _Rollback
    except _Rollback:
        pass
    batch = record(gate, *mix, operator=park.gate)
    assert _picture(batch) == alone
    statuses = [result.status for result in batch]
    assert statuses.count("created") == 13
    assert statuses[12:15] == ["rejected", "replayed", "rejected"]
    assert batch[14].error.code == "idempotency_conflict"
    assert [result.event_id is not None for result in batch].count(True) == 2


def test_a_retried_batch_creates_nothing_twice(park, gate, mix):
    first = record(gate, *mix, operator=park.gate)
    before = database_counts()
    again = record(gate, *mix, operator=park.gate)
    assert_nothing_written(before)
    for sent, resent in zip(first, again, strict=True):
        if sent.status == "rejected":
            assert resent.status == "rejected"
            continue
        assert resent.status == "replayed"
        assert resent.check.pk == sent.check.pk and resent.event_id == sent.event_id


def test_a_check_twice_in_a_batch_is_stored_once(park, gate, token):
    first = check(pass_token=token)
    twice = services.CheckInput(**first.__dict__)
    before = database_counts()
    results = record(gate, first, twice, check(first.client_id, pass_token=token, mask=False))
    assert [result.status for result in results] == ["created", "rejected", "rejected"]
    assert {results[1].error.code, results[2].error.code} == {"duplicate_in_batch"}
    assert GateCheck.objects.count() == before["gate.GateCheck"] + 1


def test_checks_from_several_devices_of_a_gate(client, park, gate, token, device_token):
    _device, other_token = services.gate_device_create(
        actor=park.officer, gate=gate, name="东门二号机"
    )
    url = f"/api/v1/gates/{gate.pk}/checks/batch"
    first = [body(pass_token=token), body(mask=False)]
    second = [body(pass_token=token, spo2=97), first[1]]  # the second repeats one of the first's
    assert post(client, url, {"checks": first}, token=device_token).status_code == 200
    answer = post(client, url, {"checks": second}, token=other_token).json()
    assert [item["status"] for item in answer["results"]] == ["created", "replayed"]
    devices = dict(GateCheck.objects.values_list("client_id", "device__name"))
    assert devices == {
        uuid.UUID(first[0]["client_id"]): "东门一体机",
        uuid.UUID(first[1]["client_id"]): "东门一体机",
        uuid.UUID(second[0]["client_id"]): "东门二号机",
    }


def test_a_check_sent_alone_and_again_in_a_batch_is_the_same_check(
    client, park, gate, token, device_token
):
    """The batch dumps its payload once for all its checks: each check's digest is the one
    it has when sent alone."""
    alone = body(pass_token=token, temperature="37.0", spo2=96)
    response = post(client, f"/api/v1/gates/{gate.pk}/checks", alone, token=device_token)
    assert response.status_code == 201
    before = database_counts()
    batch = {"checks": [alone, body(worker_id=unknown_worker_id())]}
    answer = post(client, f"/api/v1/gates/{gate.pk}/checks/batch", batch, token=device_token)
    assert [item["status"] for item in answer.json()["results"]] == ["replayed", "created"]
    assert database_counts()["gate.GateCheck"] == before["gate.GateCheck"] + 1


def test_instances_built_directly_are_those_the_constructor_and_from_db_build(park, gate, worker):
    values = {
        "client_id": uuid.uuid4(),
        "payload_digest": "0" * 64,
        "gate_id": gate.pk,
        "enterprise_id": gate.enterprise_id,
        "worker_id": worker.pk,
        "mask": True,
        "disinfected": False,
        "temperature": Decimal("36.6"),
        "verdict": "denied",
        "reasons": ["no_disinfection"],
    }
    built, constructed = instance_new(GateCheck, values), GateCheck(**values)
    fields = [field.attname for field in GateCheck._meta.concrete_fields]
    assert [getattr(built, name) for name in fields] == [
        getattr(constructed, name) for name in fields
    ]
    assert built._state.adding and built._state.db is None
    built.occurred_at = built.received_at = timezone.now()
    built.check_date = built.occurred_at.date()
    built.save()  # as an abnormal check is saved
    assert GateCheck.objects.get(pk=built.pk).reasons == ["no_disinfection"]
    read = instance_from_db(Worker, {"id": worker.pk, "clearance": "cleared"}, "default")
    made = Worker.from_db("default", ["id", "clearance"], [worker.pk, "cleared"])
    assert read.get_deferred_fields() == made.get_deferred_fields()
    assert (read._state.adding, read._state.db) == (made._state.adding, made._state.db)
    assert read.full_name == worker.full_name  # a deferred field loads on first use


def test_the_batch_pass_signer_verifies_as_djangos_signer(settings, park, worker):
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    signer = _PassSigner()
    plain = signing.Signer(salt=PASS_SALT, sep=".")
    for value in ("A", "PASS-CODE-0001", "码"):
        assert signer.signature(value) == plain.signature(value)
    code = _pass_code(token)
    assert code and _pass_code(token, signer) == code
    assert _pass_code(f"{PASS_PREFIX}.{code}.bad", signer) is None
    # A token signed with a key since rotated out is still good while the old key is a fallback.
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "k" * 50, [old_key]
    assert _pass_code(token, _PassSigner()) == code
    settings.SECRET_KEY_FALLBACKS = []
    assert _pass_code(token, _PassSigner()) is None
