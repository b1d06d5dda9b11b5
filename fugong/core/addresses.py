"""The client's network address, the same for the login lockout (django-axes) and the audit trail.

Without a proxy (``FUGONG_TRUSTED_PROXIES = 0``, the default) the address is the connection's
peer, ``REMOTE_ADDR``, and ``X-Forwarded-For`` is ignored: any client can write that header.

Behind *n* reverse proxies (``FUGONG_BEHIND_PROXY=n``; ``1`` or ``true`` for one nginx), each
proxy appends the address it received the request from to ``X-Forwarded-For``, so the client is
the *n*-th entry counted from the right. Entries further left were sent by the client itself and
are never believed: a client that forges ``X-Forwarded-For: 1.2.3.4`` is still seen at its own
address. A header with fewer than *n* entries did not come through every proxy; the peer is
taken then. This trusts the proxies only if the application server cannot be reached around them
(listen on 127.0.0.1 or a Unix socket).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str | None) -> str | None:
    """The address in its canonical form, or None for anything that is not an IP address."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client that sent ``request`` (``AXES_CLIENT_IP_CALLABLE`` too)."""
    peer = _valid(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "FUGONG_TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return peer
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return peer
    return _valid(forwarded[-proxies]) or peer
