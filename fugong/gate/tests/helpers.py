"""Shortcuts the gate's test modules share: recording checks through the services, and an API
check's body and posting it."""

import json
import uuid

from fugong.gate import services


def record(gate, *items, operator=None):
    return services.gate_checks_record(gate=gate, items=list(items), operator=operator)


def body(**fields) -> dict:
    values = {
        "client_id": str(uuid.uuid4()),
        "mask": True,
        "disinfected": True,
        "temperature": "36.5",
        "spo2": 98,
    }
    values.update(fields)
    return values


def post(client, url, data, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    payload = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, payload, content_type="application/json", **headers)
