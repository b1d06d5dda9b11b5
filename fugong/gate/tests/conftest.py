"""A gate of enterprise ``a`` with the park's gate operator at it, a worker and their pass, a
worker of another enterprise, and a device token for the gate."""

import pytest

from fugong.gate import services
from fugong.gate.models import GateOperator
from fugong.workforce.services import pass_issue, pass_token
from fugong.workforce.tests.factories import make_worker, resident_id

from .factories import make_gate


@pytest.fixture
def gate(park):
    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    return gate


@pytest.fixture
def worker(park):
    return make_worker(
        actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=81)
    )


@pytest.fixture
def token(park, worker):
    return pass_token(pass_issue(actor=park.officer, worker=worker))


@pytest.fixture
def stranger(park):
    """A worker of enterprise ``b``: not one of gate ``a``'s people."""
    return make_worker(
        actor=park.other_officer,
        enterprise=park.b,
        full_name="乙厂王五",
        document_number=resident_id(sequence=95),
    )


@pytest.fixture
def stranger_token(park, stranger):
    return pass_token(pass_issue(actor=park.other_officer, worker=stranger))


@pytest.fixture
def device_token(park, gate):
    _device, secret = services.gate_device_create(actor=park.officer, gate=gate, name="东门一体机")
    return secret
