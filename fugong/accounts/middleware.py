"""The gates a signed-in session passes before it may use the application, in this order:

1. ``TwoFactorMiddleware``, the second factor: a user with a confirmed TOTP device goes to the code
   page until this session passed it;
2. ``PasswordChangeRequiredMiddleware``: a user whose password someone else chose (an import, the
   command post, ``create_user``'s generated one) goes to the change-password page until they set
   their own;
3. ``TwoFactorMiddleware`` again, the enrolment: a user whose role requires two-factor sign-in and
   who has no device yet goes to the set-up on the account page (after the password, so that the
   authenticator is tied to an account whose password only its owner knows).

Everywhere but sign-out, the language switch and the static files. The gate's kiosk and device
tokens and the API tokens are separate credentials: they never make ``request.user`` a session
user, so this never stops them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

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
        elif two_factor_required(user) and not getattr(user, "must_change_password", False):
            # Enrolment waits until the user has set their own password (the next middleware).
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


# What a session that must change its password may reach, besides _ALWAYS_OPEN.
_PASSWORD_CHANGE: tuple[str, ...] = ("accounts:password_required",)


class PasswordChangeRequiredMiddleware:
    """A session whose user must change their password reaches only the change-password page:
    pages redirect there, the API answers ``403 password_change_required`` (a request carrying an
    ``Authorization`` header is left to its token, as if this session were not there). Placed
    after ``TwoFactorMiddleware``, so a user with two-factor sign-in gives the code first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not getattr(user, "must_change_password", False):
            return self.get_response(request)
        path = request.path_info
        if path.startswith(str(settings.STATIC_URL)) or any(
            path == reverse(name) for name in _ALWAYS_OPEN + _PASSWORD_CHANGE
        ):
            return self.get_response(request)
        if path.startswith("/api/"):
            if request.headers.get("Authorization"):
                request.user = AnonymousUser()
                return self.get_response(request)
            message = _("Set your own password first: sign in on the web page and change it.")
            body = {"error": {"code": "password_change_required", "message": message, "fields": {}}}
            return JsonResponse(body, status=403)
        url = reverse("accounts:password_required")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
