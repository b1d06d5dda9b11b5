"""The whole OpenAPI schema fuzzed with schemathesis, in-process against the WSGI application
(no server): every operation, as each role's API token and as a gate device, must answer no 5xx,
only the statuses it declares, the content type it declares and a body that matches its schema.

Bounded and repeatable: a fixed seed (``derandomize``) and ``FUZZ_EXAMPLES`` generated cases per
operation and caller. Marked ``fuzz``; `.ci/run` runs it (``pytest -m fuzz``), and so does the
whole suite. ``FUGONG_FUZZ_EXAMPLES`` raises the number for a longer run by hand.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fugong.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

FUZZ_EXAMPLES = int(os.environ.get("FUGONG_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The callers: an API token of each signed-in role, and the device token of a gate terminal.
CALLERS = ["command", "liaison", "inspector", "officer", "district", "gate", "device"]

# Generated cases only (the coverage phase would add hundreds of boundary cases per operation
# and ignore the bound); the schema is read the way a client reads it, from the served URL.
_config = SchemathesisConfig.from_dict(
    {"seed": 20260413, "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=_config)


@pytest.fixture
def _keep_the_test_database_open():
    """The WSGI handler closes the database connection when a request starts and ends, which
    would end the test's transaction: Django's test client keeps it open the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_park(park, _keep_the_test_database_open):
    """The SmallPark with a record of each kind a path names, so that ids exist; the tokens."""
    from fugong.accounts.services import api_token_create
    from fugong.gate import services as gate_services
    from fugong.gate.models import GateOperator
    from fugong.gate.tests.factories import make_gate
    from fugong.inspections.tests.factories import make_inspection
    from fugong.resumption.tests.factories import make_application
    from fugong.workforce.tests.factories import make_worker, resident_id

    gate = make_gate(park.a)
    GateOperator.objects.create(user=park.gate, gate=gate)
    make_worker(actor=park.officer, enterprise=park.a, document_number=resident_id(sequence=81))
    make_application(officer=park.officer, state="submitted")
    make_inspection(actor=park.inspector, enterprise=park.a)
    tokens = {
        role: api_token_create(actor=getattr(park, role), name="fuzz")[1]
        for role in CALLERS
        if role != "device"
    }
    tokens["device"] = gate_services.gate_device_create(actor=park.officer, gate=gate, name="fuzz")[
        1
    ]
    return tokens


def _existing_ids() -> dict[str, list[int]]:
    """The ids of the rows a path parameter can name, by parameter."""
    from django.apps import apps

    by_parameter: dict[str, list[int]] = {}
    for model in apps.get_models():
        if model._meta.app_label.startswith(("django", "auth", "sessions", "contenttypes")):
            continue
        name = f"{model._meta.model_name}_id"
        by_parameter[name] = list(model._default_manager.values_list("pk", flat=True)[:20])
    return by_parameter


def _aim_at_existing_rows(case, known: dict[str, list[int]]) -> None:
    """Two thirds of the generated ids name an existing row (so that the operation runs past
    its lookup); the rest stay as generated, mostly ids that exist nowhere (the 404s)."""
    for name, value in list((case.path_parameters or {}).items()):
        ids = known.get(name) or known.get(name.removesuffix("_id").replace("_", "") + "_id")
        if ids and isinstance(value, int) and value % 3:
            case.path_parameters[name] = ids[value % len(ids)]


@pytest.mark.parametrize("caller", CALLERS)
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing case is shown
    suppress_health_check=list(HealthCheck),
)
def test_api_contract(case, caller, fuzz_park):
    _aim_at_existing_rows(case, _existing_ids())
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_park[caller]}"}, checks=CHECKS)
