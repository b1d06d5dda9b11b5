import pytest

from fugong.gate import services as gate_services
from fugong.gate.models import AbnormalEvent, GateOperator
from fugong.gate.tests.factories import check, make_gate
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id


@pytest.fixture
def gate(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    return gate


def fever(park, gate, sequence: int) -> AbnormalEvent:
    """An abnormal event at gate a (low SpO2) for a new worker of a."""
    worker = make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=sequence)
    )
    token = pass_token(pass_issue(actor=park.officer, worker=worker))
    gate_services.gate_checks_record(gate=gate, items=[check(pass_token=token, spo2=90)])
    return AbnormalEvent.objects.get(worker=worker)


@pytest.fixture
def events(park, gate):
    return [fever(park, gate, sequence) for sequence in (61, 62, 63)]
