"""Rotating the data key re-encrypts every stored number: workers' and visitors'."""

from io import StringIO

import pytest
from django.core.management import call_command

from fugong.core import crypto
from fugong.gate import services as gate_services
from fugong.gate.models import Visitor
from fugong.gate.tests.factories import check, make_gate
from fugong.workforce.models import Worker
from fugong.workforce.tests.factories import make_worker, resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    def configure(data_keys: str):
        settings.FUGONG_DATA_KEYS = data_keys
        crypto.data_keys.cache_clear()
        crypto._cipher.cache_clear()

    yield configure
    crypto.data_keys.cache_clear()
    crypto._cipher.cache_clear()


def test_rotation_reaches_workers_and_visitors(park, keys):
    old, new = crypto.new_key(), crypto.new_key()
    keys(f"old:{old}")
    make_worker(
        actor=park.officer,
        enterprise=park.a,
        document_number=resident_id(sequence=91),
        phone="13700001111",
    )
    visitor = gate_services.VisitorInput(
        full_name="司机",
        document_type="resident_id",
        document_number=resident_id(sequence=92),
        phone="13600002222",
        origin="430602",
        employer="",
        purpose="送货",
        host="",
        contact_history="",
    )
    gate_services.gate_checks_record(gate=make_gate(park.a), items=[check(visitor=visitor)])
    keys(f"new:{new},old:{old}")
    output = StringIO()
    call_command("rotate_data_keys", stdout=output)
    assert "workforce.Worker: 1 re-encrypted" in output.getvalue()
    assert "gate.Visitor: 1 re-encrypted" in output.getvalue()
    keys(f"new:{new}")  # the old key is gone: everything must still read
    worker = Worker.objects.get()
    stored = Visitor.objects.get()
    assert crypto.decrypt(worker.document_cipher) == resident_id(sequence=91)
    assert crypto.decrypt(worker.phone_cipher) == "13700001111"
    assert crypto.decrypt(stored.document_cipher) == resident_id(sequence=92)
    assert crypto.decrypt(stored.phone_cipher) == "13600002222"
