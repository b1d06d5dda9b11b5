"""Where the request that writes an audit row came from: the client's address and the API token
or gate device token that authenticated it.

Services keep their signatures (``actor`` is all they are given); the request's origin travels
beside them in a context variable. ``AuditContextMiddleware`` opens a context for each request
with the client's address (proxy-aware, see ``fugong.core.addresses``); the API's authentication
classes add the token they accepted. ``AuditEvent``'s columns take their defaults from here, so
every row built during a request carries them, ``bulk_create`` included. Outside a request (a
management command, a test calling a service) there is no context and the columns stay empty.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass
class RequestOrigin:
    address: str | None = None
    api_token_id: int | None = None
    gate_device_id: int | None = None


_origin: ContextVar[RequestOrigin | None] = ContextVar("fugong_audit_origin", default=None)


def current_origin() -> RequestOrigin | None:
    return _origin.get()


def note_api_token(token_id: int) -> None:
    """The request was authenticated by this API token (no-op outside a request)."""
    origin = _origin.get()
    if origin is not None:
        origin.api_token_id = token_id


def note_gate_device(device_id: int) -> None:
    """The request was authenticated by this gate device's token (no-op outside a request)."""
    origin = _origin.get()
    if origin is not None:
        origin.gate_device_id = device_id


# The defaults of AuditEvent's columns (module-level functions, so that migrations can name them).
def current_address() -> str | None:
    origin = _origin.get()
    return origin.address if origin else None


def current_api_token_id() -> int | None:
    origin = _origin.get()
    return origin.api_token_id if origin else None


def current_gate_device_id() -> int | None:
    origin = _origin.get()
    return origin.gate_device_id if origin else None


class AuditContextMiddleware:
    """Open the origin context for the request and close it afterwards (a worker thread serves
    many requests: nothing may leak from one to the next)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from fugong.core.addresses import client_address

        origin = RequestOrigin(address=client_address(request))
        request.audit_origin = origin  # type: ignore[attr-defined]  # for the access log
        token = _origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
