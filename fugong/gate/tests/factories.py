"""Gates, operators and checks for the tests."""

from __future__ import annotations

import uuid
from decimal import Decimal

from fugong.gate import services
from fugong.gate.models import Gate


def make_gate(enterprise, name="东门") -> Gate:
    return Gate.objects.create(name=name, enterprise=enterprise)


def check(client_id=None, **fields) -> services.CheckInput:
    values = {
        "client_id": client_id or uuid.uuid4(),
        "mask": True,
        "disinfected": True,
        "temperature": Decimal("36.5"),
        "spo2": 98,
    }
    values.update(fields)
    raw = {key: str(value) for key, value in values.items() if key != "visitor"}
    return services.CheckInput(raw=raw, **values)
