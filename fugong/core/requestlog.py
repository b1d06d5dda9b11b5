"""A request id for every request, and one JSON line per request in the access log.

``RequestLogMiddleware`` (the first middleware) takes the ``X-Request-ID`` nginx sends (its
``$request_id``: 32 hex digits) when it is well formed, and makes one otherwise; the id is
``request.request_id``, answered in the ``X-Request-ID`` header, printed on the error pages and in
the API's error bodies (``current_request_id``), so that a user can quote it to IT and IT can find
the request in the log.

The access log (logger ``fugong.access``, one JSON object a line) is written by the application,
not by gunicorn, granian or runserver, so that all three log the same. It holds no personal data:
the path without its query string (which may carry search terms), a pass token in a path masked,
the user's id (never the name), the gate device's id, the client's address as
``fugong.core.addresses`` determines it behind the proxy.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from .addresses import client_address

logger = logging.getLogger("fugong.access")

# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else is replaced:
# the id ends up in a header, a page and the log, so it must be short and harmless.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
# Paths that carry a secret: the worker's pass page is /passes/<signed token>/.
_MASKED = [(re.compile(r"^/passes/[^/]+"), "/passes/<token>")]
MAX_PATH = 300

_request_id: ContextVar[str | None] = ContextVar("fugong_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served (None outside a request)."""
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The proxy's request id if it is well formed, else a new one."""
    if header and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


def loggable_path(path: str) -> str:
    """The path as the log may hold it: secrets masked, cut to a sane length."""
    for pattern, replacement in _MASKED:
        path = pattern.sub(replacement, path)
    return path[:MAX_PATH]


def _size(response: HttpResponse) -> int | None:
    if response.streaming:
        length = response.get("Content-Length")
        return int(length) if length and length.isdigit() else None
    return len(response.content)


def _user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded (a session or an API token): reading a lazy
    # ``request.user`` here would load the session for a request that never needed it.
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            return None
        user = user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


def access_record(
    request: HttpRequest, response: HttpResponse | None, request_id: str, duration: float
) -> dict[str, object]:
    origin = getattr(request, "audit_origin", None)
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": request_id,
        "method": request.method,
        "path": loggable_path(request.path),
        "status": response.status_code if response is not None else 500,
        "duration_ms": round(duration * 1000, 1),
        "bytes": _size(response) if response is not None else None,
        "user": _user_id(request),
        "device": getattr(origin, "gate_device_id", None),
        "client": client_address(request),
    }


class RequestLogMiddleware:
    """The request id (in and out), and the access log line. The first middleware, so that it
    sees every answer, the HTTPS redirect and the static files included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        response: HttpResponse | None = None
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            return response
        finally:
            if logger.isEnabledFor(logging.INFO):
                record = access_record(request, response, request_id, time.perf_counter() - started)
                logger.info(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            _request_id.reset(token)
