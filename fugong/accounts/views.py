"""Sign-in, one's own account and tokens, and user management for the command post."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fugong.core.errors import ApplicationError, RateLimitedError
from fugong.core.forms import add_application_error
from fugong.core.ratelimit import rate_limit_hit
from fugong.core.roles import Action, Role, require

from . import selectors, services
from .forms import (
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    PasswordForm,
    TwoFactorCodeForm,
    UserForm,
)
from .http import AuthenticatedRequest
from .two_factor import two_factor_required


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _account_context(request: AuthenticatedRequest, **extra: Any) -> dict[str, Any]:
    """The account page: profile, password, two-factor sign-in, API tokens."""
    user = request.user
    pending = None
    if not user.two_factor_enabled:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    context: dict[str, Any] = {
        "password_form": PasswordChangeForm(),
        "token_form": ApiTokenForm(),
        "tokens": selectors.api_token_list(actor=user),
        "two_factor_form": TwoFactorCodeForm(),
        "two_factor_required": two_factor_required(user),
        "pending_device": pending,
        "pending_secret": b32encode(pending.bin_key).decode() if pending else "",
        "recovery_codes_left": (
            StaticToken.objects.filter(device__user=user).count() if user.two_factor_enabled else 0
        ),
    }
    context.update(extra)
    return context


@login_required
def my_account(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "accounts/my_account.html", _account_context(request))


def _password_change_tried(
    request: AuthenticatedRequest, form: PasswordChangeForm
) -> tuple[HttpResponse | None, int, int | None]:
    """Try the change of one's own password that ``form`` holds: (a response that ends the
    request — the lockout page — or None, the status of the form's page, Retry-After). A change
    that succeeded answers (None, 200, None). A wrong current password counts as a failed sign-in
    for django-axes (this user name from this address): after five, changing the password and
    signing in are locked from this address for 30 minutes, and this session ends. Tries of one
    user are also limited (``FUGONG_RATE_LIMITS["password_change"]``): over the limit, ``429``
    with ``Retry-After`` and nothing changed."""
    credentials = {"username": request.user.username}
    try:
        rate_limit_hit("password_change", str(request.user.pk))
    except RateLimitedError as limited:
        form.is_valid()  # a bound, cleaned form takes the error
        form.add_error(None, limited.message)
        # Over the limit: nothing is tried, not even the current password.
        return None, 429, limited.retry_after
    if AxesProxyHandler.is_locked(request, credentials):
        form.is_valid()  # a bound, cleaned form takes the error
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        form.add_error(
            None,
            _(
                "Too many wrong passwords for this user name from this address: try again in "
                "%(minutes)s minutes."
            )
            % {"minutes": minutes},
        )
        return None, 429, None
    if not form.is_valid():
        return None, 400, None
    try:
        user = services.user_password_change(
            actor=request.user,
            current_password=form.cleaned_data["current_password"],
            password=form.cleaned_data["password"],
        )
    except ApplicationError as error:
        add_application_error(form, error)
        if error.code == "wrong_password":
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                # Someone guessing the password in an open session: end the session too, and
                # answer with the lockout page (429).
                logout(request)
                return get_lockout_response(request, None, credentials), 429, None
        return None, 400, None
    update_session_auth_hash(request, user)
    return None, 200, None


@login_required
@require_POST
def my_password(request: AuthenticatedRequest) -> HttpResponse:
    """Change one's own password, the current one first (see ``_password_change_tried``)."""
    form = PasswordChangeForm(request.POST)
    ended, status, retry_after = _password_change_tried(request, form)
    if ended is not None:
        return ended
    if status == 200:
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:my_account")
    response = render(
        request,
        "accounts/my_account.html",
        _account_context(request, password_form=form),
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _safe_next(request: AuthenticatedRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    return next_url or str(settings.LOGIN_REDIRECT_URL)


@login_required
def password_required_view(request: AuthenticatedRequest) -> HttpResponse:
    """The only page a user whose password someone else chose may reach
    (``PasswordChangeRequiredMiddleware``): they set their own, the initial one first. Then they
    go on (to the two-factor set-up first where the role requires it)."""
    next_url = _safe_next(request)
    if not request.user.must_change_password:
        return redirect(next_url)
    form = PasswordChangeForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST":
        ended, status, retry_after = _password_change_tried(request, form)
        if ended is not None:
            return ended
        if status == 200:
            messages.success(request, _("Your password has been changed."))
            return redirect(next_url)
    response = render(
        request,
        "accounts/password_required.html",
        {"form": form, "next": next_url},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_POST
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    secret = None
    status = 400
    if form.is_valid():
        try:
            _token, secret = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
            status = 201
            form = ApiTokenForm()
        except ApplicationError as error:
            add_application_error(form, error)
    return render(
        request,
        "accounts/my_account.html",
        _account_context(request, token_form=form, new_token=secret),
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_get(actor=request.user, token_id=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:my_account")


@login_required
def user_list_view(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    users = selectors.user_list(actor=request.user, query=query, role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "query": query, "role": role, "roles": Role.choices},
    )


def _user_fields(data: dict[str, Any]) -> services.UserFields:
    return {
        "username": data.get("username", ""),
        "full_name": data["full_name"],
        "phone": data.get("phone", ""),
        "role": data["role"],
        "enterprise": data.get("enterprise"),
        "district_code": data.get("district_code", ""),
        "is_leader": data.get("is_leader", False),
    }


@login_required
def user_create_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.USERS_MANAGE)
    form = UserForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.user_create(
                    actor=request.user,
                    password=form.cleaned_data["password"],
                    **_user_fields(form.cleaned_data),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("User “%(name)s” created.") % {"name": user.username})
                return redirect("accounts:user_list")
        return render(request, "accounts/user_form.html", {"form": form}, status=400)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_edit_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, user_id=user_id)
    initial = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "role": user.role,
        "enterprise": user.enterprise,
        "district_code": user.district_code,
        "is_leader": user.is_leader,
    }
    form = UserForm(request.POST or None, initial=initial, editing=True)
    context = {"form": form, "edited_user": user, "password_form": PasswordForm()}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.user_update(
                    actor=request.user, user=user, **_user_fields(form.cleaned_data)
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("User “%(name)s” saved.") % {"name": user.username})
                return redirect("accounts:user_list")
        return render(request, "accounts/user_form.html", context, status=400)
    return render(request, "accounts/user_form.html", context)


@login_required
@require_POST
def user_password_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, user_id=user_id)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(
                request, _("The password of “%(name)s” has been set.") % {"name": user.username}
            )
            return redirect("accounts:user_edit", user_id=user.pk)
    initial_form = UserForm(
        initial={"username": user.username, "full_name": user.full_name, "role": user.role},
        editing=True,
    )
    return render(
        request,
        "accounts/user_form.html",
        {"form": initial_form, "edited_user": user, "password_form": form},
        status=400,
    )


@login_required
@require_POST
def user_active_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, user_id=user_id)
    active = request.POST.get("active") == "1"
    services.user_set_active(actor=request.user, user=user, active=active)
    if active:
        messages.success(request, _("User “%(name)s” reactivated.") % {"name": user.username})
    else:
        messages.success(request, _("User “%(name)s” deactivated.") % {"name": user.username})
    return redirect("accounts:user_list")


def _wrong_code_counted(
    request: AuthenticatedRequest, form: TwoFactorCodeForm, error: ApplicationError, stage: str
) -> HttpResponse | None:
    """A wrong second-factor code: put the error on the form, audit it, and count it as a failed
    sign-in for django-axes (this user name from this address). At the limit the session ends and
    the lockout page (429) answers; otherwise None."""
    add_application_error(form, error)
    if error.code != "wrong_code":
        return None
    services.two_factor_failure_record(actor=request.user, stage=stage)
    credentials = {"username": request.user.username}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(
        request, credentials
    ):
        logout(request)
        return get_lockout_response(request, None, credentials)
    return None


def _locked(request: AuthenticatedRequest) -> HttpResponse | None:
    credentials = {"username": request.user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return get_lockout_response(request, None, credentials)
    return None


@login_required
def two_factor_verify_view(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code."""
    next_url = _safe_next(request)
    if _session_verified(request) or not request.user.two_factor_enabled:
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if (locked := _locked(request)) is not None:
            return locked
        status = 400
        if form.is_valid():
            try:
                device = services.two_factor_verify(
                    actor=request.user, code=form.cleaned_data["code"]
                )
            except ApplicationError as error:
                if (locked := _wrong_code_counted(request, form, error, "sign_in")) is not None:
                    return locked
            else:
                otp_login(request, device)
                return redirect(next_url)
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status
    )


@login_required
@require_POST
def two_factor_enrol_view(request: AuthenticatedRequest) -> HttpResponse:
    """Start (or restart) the set-up: a new secret, shown as a QR code on the account page."""
    services.two_factor_enrolment_start(actor=request.user)
    return redirect(reverse("accounts:my_account") + "#two-factor")


@login_required
@require_POST
def two_factor_confirm_view(request: AuthenticatedRequest) -> HttpResponse:
    """Finish the set-up with a code from the app; the recovery codes are shown once."""
    if (locked := _locked(request)) is not None:
        return locked
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            device, codes = services.two_factor_enrolment_confirm(
                actor=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            if (locked := _wrong_code_counted(request, form, error, "enrolment")) is not None:
                return locked
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return render(
                request,
                "accounts/my_account.html",
                _account_context(request, recovery_codes=codes),
            )
    return render(
        request,
        "accounts/my_account.html",
        _account_context(request, two_factor_form=form),
        status=400,
    )


@login_required
@require_POST
def two_factor_recovery_view(request: AuthenticatedRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    codes = services.two_factor_recovery_codes_regenerate(actor=request.user)
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return render(
        request, "accounts/my_account.html", _account_context(request, recovery_codes=codes)
    )


@login_required
@require_POST
def two_factor_disable_view(request: AuthenticatedRequest) -> HttpResponse:
    """Turn one's own two-factor sign-in off, with a current code (where the role allows)."""
    if (locked := _locked(request)) is not None:
        return locked
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(
                actor=request.user, user=request.user, code=form.cleaned_data["code"]
            )
        except ApplicationError as error:
            if (locked := _wrong_code_counted(request, form, error, "disable")) is not None:
                return locked
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:my_account")
    return render(
        request,
        "accounts/my_account.html",
        _account_context(request, two_factor_form=form),
        status=400,
    )


@login_required
@require_POST
def user_two_factor_reset_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    """The command post turns off another user's two-factor sign-in (a lost phone)."""
    require(request.user, Action.USERS_MANAGE)
    user = selectors.user_get(actor=request.user, user_id=user_id)
    services.two_factor_disable(actor=request.user, user=user)
    messages.success(
        request,
        _("Two-factor sign-in of “%(name)s” has been reset; they set it up again.")
        % {"name": user.username},
    )
    return redirect("accounts:user_edit", user_id=user.pk)


def _session_verified(request: AuthenticatedRequest) -> bool:
    """Whether this session passed its second factor (django-otp's ``OTPMiddleware``)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False
