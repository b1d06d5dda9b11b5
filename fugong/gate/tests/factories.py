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


def unknown_pass_token() -> str:
    """A token signed like a real pass whose pass does not exist."""
    from django.core import signing

    from fugong.workforce.services import PASS_PREFIX, PASS_SALT

    return f"{PASS_PREFIX}.{signing.Signer(salt=PASS_SALT, sep='.').sign('no-such-pass-code')}"


def unknown_worker_id() -> int:
    """An id that is no worker's."""
    from fugong.workforce.models import Worker

    return (Worker.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
