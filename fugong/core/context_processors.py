"""The navigation each role sees: only what its actions allow."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Action, user_can

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class NavigationEntry(TypedDict):
    url: str
    label: StrPromise
    active: bool
    menu: bool


# (url name, label, the action that shows the entry, or None for every signed-in user)
NAVIGATION = (
    ("overview:home", _("Home"), None),
    ("reports:dashboard", _("Dashboard"), Action.REPORTS_VIEW),
    ("enterprises:list", _("Enterprises"), Action.ENTERPRISES_VIEW),
    ("resumption:application_list", _("Applications"), Action.APPLICATIONS_VIEW),
    ("workforce:list", _("Workers"), Action.WORKERS_VIEW),
    ("screening:rules", _("Screening rules"), Action.SCREENING_VIEW),
    ("handover:list", _("Handover lists"), Action.HANDOVER_VIEW),
    ("gate:kiosk", _("Checkpoint"), Action.GATE_OPERATE),
    ("gate:list", _("Gates"), Action.GATES_VIEW),
    ("gate:events", _("Abnormal events"), Action.GATE_EVENTS_FOLLOW),
    ("cases:list", _("Cases"), Action.CASES_VIEW),
    ("cases:follow_up_list", _("Follow-ups"), Action.FOLLOW_UPS_VIEW),
    ("supplies:home", _("Supplies"), Action.SUPPLIES_VIEW),
    ("rooms:list", _("Rooms"), Action.ROOMS_VIEW),
    ("inspections:list", _("Inspections"), Action.INSPECTIONS_VIEW),
    ("training:list", _("Training"), Action.TRAINING_VIEW),
    ("duty:roster", _("Duty"), Action.DUTY_VIEW),
    ("bulletins:list", _("Supervision bulletins"), Action.BULLETINS_VIEW),
    ("bulletins:notices", _("Notices"), Action.NOTICES_VIEW),
    ("guide:version_list", _("Prevention guide"), Action.GUIDE_VIEW),
    ("accounts:user_list", _("Users"), Action.USERS_MANAGE),
    ("audit:event_list", _("Audit trail"), Action.AUDIT_VIEW),
    ("retention:policy", _("Retention"), Action.RETENTION_MANAGE),
    ("jobs:list", _("My jobs"), None),
)
# Entries shown in the account menu rather than the bar: the bar holds the daily work, and with
# fifteen entries for the command post it would take two lines.
ACCOUNT_MENU = {"accounts:user_list", "audit:event_list", "retention:policy", "jobs:list"}


def navigation(request: HttpRequest) -> dict[str, list[NavigationEntry]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "account_navigation": []}
    path = request.path
    entries: list[NavigationEntry] = []
    for url_name, label, action in NAVIGATION:
        if action is not None and not user_can(user, action):
            continue
        url = reverse(url_name)
        entries.append(
            {"url": url, "label": label, "active": False, "menu": url_name in ACCOUNT_MENU}
        )
    # The longest entry that the path falls under is the active one (/gate/events/ is
    # "Abnormal events", not "Gates").
    matches = [
        entry
        for entry in entries
        if (path == entry["url"] if entry["url"] == "/" else path.startswith(entry["url"]))
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return {
        "navigation": [entry for entry in entries if not entry["menu"]],
        "account_navigation": [entry for entry in entries if entry["menu"]],
    }
