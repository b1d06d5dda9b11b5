"""Two-factor sign-in: a signed-in session that has not passed its second factor goes to the code
page (a user with a confirmed TOTP device) or to the enrolment on the account page (a user whose
role requires two-factor sign-in and who has no device yet) — everywhere but sign-out, the
language switch and the static files. The gate's kiosk and device tokens and the API tokens are
separate credentials: they never make ``request.user`` a session user, so this never stops them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .two_factor import two_factor_required

# Paths every session may reach before its second factor.
_ALWAYS_OPEN: tuple[str, ...] = ("accounts:logout", "accounts:two_factor_verify", "set_language")
# And the ones a user who must enrol needs for that.
_ENROLMENT: tuple[str, ...] = (
    "accounts:my_account",
    "accounts:two_factor_enrol",
    "accounts:two_factor_confirm",
)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or _is_verified(request):
            return self.get_response(request)
        if getattr(user, "two_factor_enabled", False):
            open_paths, target = _ALWAYS_OPEN, "accounts:two_factor_verify"
        elif two_factor_required(user):
            open_paths, target = _ALWAYS_OPEN + _ENROLMENT, "accounts:my_account"
        else:
            return self.get_response(request)
        path = request.path_info
        if path.startswith(str(settings.STATIC_URL)) or any(
            path == reverse(name) for name in open_paths
        ):
            return self.get_response(request)
        if path.startswith("/api/"):
            # The API takes this session for no one (its own 401), and still takes API tokens.
            request.user = AnonymousUser()
            return self.get_response(request)
        url = reverse(target)
        if target == "accounts:two_factor_verify":
            url += "?" + urlencode({"next": request.get_full_path()})
        else:
            url += "#two-factor"
        return redirect(url)


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
