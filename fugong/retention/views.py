"""The command post's page for the retention periods: the policy in force, a new one, the
history of policies and of the daily runs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.accounts.http import AuthenticatedRequest
from fugong.core.errors import ApplicationError
from fugong.core.forms import add_application_error
from fugong.core.roles import Action, require

from . import selectors, services
from .forms import RetentionPolicyForm


@login_required
def retention_view(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Action.RETENTION_MANAGE)
    today = timezone.localdate()
    current = selectors.policy_on(today)
    form = RetentionPolicyForm(
        request.POST or None,
        initial={
            "effective_from": today,
            **{key: getattr(current, key) for key in services.POLICY_FIELDS},
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.retention_policy_add(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                messages.success(request, _("Retention periods saved."))
                return redirect("retention:policy")
        status = 400
    return render(
        request,
        "retention/policy.html",
        {
            "current": current,
            "form": form,
            "policies": selectors.policy_list(actor=request.user)[:20],
            "runs": selectors.retention_runs(actor=request.user)[:30],
        },
        status=status,
    )
