"""Who is on duty now, in the header of every page a command post user sees: one indexed query,
run only when the header is rendered for such a user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from fugong.core.roles import Role

from .selectors import on_duty_now


def duty(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", "") != Role.COMMAND:
        return {}
    return {"on_duty_now": SimpleLazyObject(on_duty_now)}
