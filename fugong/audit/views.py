from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fugong.enterprises.models import Enterprise

from . import selectors
from .models import AuditAction


@login_required
def event_list_view(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    # One enterprise's trail (the link on its page): the rows that concern it.
    enterprise_id = request.GET.get("enterprise", "")
    enterprise_id = int(enterprise_id) if enterprise_id.isdigit() else None
    events = selectors.audit_event_list(
        actor=request.user, action=action, enterprise_id=enterprise_id
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "action": action,
            "actions": AuditAction.choices,
            "enterprise": Enterprise.objects.filter(pk=enterprise_id).first()
            if enterprise_id
            else None,
        },
    )
