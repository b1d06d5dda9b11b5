"""Managing gates and their devices through the services, within the actor's scope."""

import pytest

from fugong.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fugong.gate import services

pytestmark = pytest.mark.django_db


def test_devices_are_scoped_to_their_gate(park, gate):
    device, secret = services.gate_device_create(
        actor=park.officer, gate=gate, name="东门测温一体机"
    )
    assert services.gate_device_authenticate(secret).gate == gate
    services.gate_device_revoke(actor=park.officer, device=device)
    assert services.gate_device_authenticate(secret) is None
    with pytest.raises(PermissionDeniedError):
        services.gate_device_create(actor=park.liaison, gate=gate, name="x")


def test_gates_are_created_within_scope(park):
    with pytest.raises(NotFoundError):
        services.gate_create(actor=park.officer, name="西门", enterprise=park.b)
    with pytest.raises(ApplicationError):
        services.gate_create(actor=park.officer, name="码头", enterprise=None)
    assert services.gate_create(actor=park.command, name="码头", enterprise=None).enterprise is None


def test_gates_are_edited_and_taken_out_of_use_within_scope(park, gate):
    with pytest.raises(NotFoundError):
        services.gate_update(actor=park.other_officer, gate=gate, name="x")
    with pytest.raises(NotFoundError):
        services.gate_device_create(actor=park.other_officer, gate=gate, name="x")
    updated = services.gate_update(
        actor=park.officer, gate=gate, name="南门", location="南侧", is_active=False
    )
    assert (updated.name, updated.location, updated.is_active) == ("南门", "南侧", False)
    from fugong.core.errors import ApplicationError as Refused

    with pytest.raises(Refused):
        services.gate_update(actor=park.officer, gate=gate, name="")
