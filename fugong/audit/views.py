from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import AuditAction


@login_required
def event_list_view(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    events = selectors.audit_event_list(actor=request.user, action=action)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "action": action, "actions": AuditAction.choices},
    )
