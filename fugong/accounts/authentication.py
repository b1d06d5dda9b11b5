"""How the API knows who is calling: an API token (``Authorization: Bearer fg_…``) acting as its
user. (The browser's session is ``fugong.core.api.ActiveSessionAuth``; gate devices authenticate
with their own tokens, ``fugong.gate.api.GateDeviceAuth``.)"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from fugong.audit.context import note_api_token
from fugong.core.ratelimit import rate_limit_hit

from .models import User
from .services import api_token_resolve


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer fg_…``: an API token acting as its user, at most
    ``FUGONG_RATE_LIMITS["api_token"]`` requests a minute (over it, ``429`` and nothing done)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_resolve(token)
        if api_token is None:
            return None
        rate_limit_hit("api_token", str(api_token.pk))
        request.user = api_token.user
        note_api_token(api_token.pk)  # audit rows written by this request name the token
        return api_token.user
