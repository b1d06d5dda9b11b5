"""Roles, the actions each may take, and the checks that enforce them.

What a role may *do* lives here (a 403 when refused); which objects a user may *see* lives in
each app's selectors (a 404 outside the scope). Deny by default: an action not listed for a
role is refused.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import PermissionDeniedError
from .types import AnyActor


class Role(models.TextChoices):
    COMMAND = "command", _("Command post staff")
    LIAISON = "liaison", _("Liaison officer")
    INSPECTOR = "inspector", _("Inspector")
    ENTERPRISE_OFFICER = "enterprise_officer", _("Enterprise safety officer")
    GATE_OPERATOR = "gate_operator", _("Gate operator")
    DISTRICT_LIAISON = "district_liaison", _("District liaison")


class Action(models.TextChoices):
    USERS_MANAGE = "users.manage", _("manage users")
    AUDIT_VIEW = "audit.view", _("read the audit trail")
    RETENTION_MANAGE = "retention.manage", _("set how long personal data is kept")
    ENTERPRISES_VIEW = "enterprises.view", _("view enterprises")
    ENTERPRISES_MANAGE = "enterprises.manage", _("register and edit enterprises")
    ENTERPRISES_IMPORT = "enterprises.import", _("import enterprises")
    ENTERPRISES_SUSPEND = "enterprises.suspend", _("suspend and reinstate enterprises")
    GUIDE_VIEW = "guide.view", _("read the prevention guide")
    GUIDE_EDIT = "guide.edit", _("edit the prevention guide")
    APPLICATIONS_VIEW = "applications.view", _("view resumption applications")
    APPLICATIONS_APPLY = "applications.apply", _("fill in and submit a resumption application")
    APPLICATIONS_VERIFY = "applications.verify", _("verify an application on site")
    APPLICATIONS_DECIDE = "applications.decide", _("approve or return an application")
    WORKERS_VIEW = "workers.view", _("view workers")
    WORKERS_MANAGE = "workers.manage", _("register, edit and import workers")
    WORKERS_MOVE = "workers.move", _("move workers from one enterprise to another")
    WORKERS_REVEAL_IDENTITY = "workers.reveal_identity", _("see full ID numbers")
    WORKERS_REVEAL_PHONE = "workers.reveal_phone", _("see full phone numbers")
    PASSES_MANAGE = "passes.manage", _("issue and revoke worker passes")
    SCREENING_VIEW = "screening.view", _("read the screening rules and re-screenings")
    SCREENING_MANAGE = "screening.manage", _("edit the screening rules")
    HANDOVER_GENERATE = "handover.generate", _("generate handover lists")
    HANDOVER_VIEW = "handover.view", _("read handover lists")
    HANDOVER_ACKNOWLEDGE = "handover.acknowledge", _("acknowledge handover lists")
    GATES_VIEW = "gates.view", _("view gates and their checks")
    GATES_MANAGE = "gates.manage", _("set up gates and their device tokens")
    GATE_OPERATE = "gate.operate", _("run a gate's checkpoint")
    GATE_EVENTS_FOLLOW = "gate.events_follow", _("follow abnormal events")
    REPORTS_VIEW = "reports.view", _("read the dashboard and the daily report")
    HEADCOUNT_DECLARE = "reports.declare_headcount", _("declare workers on duty")
    INSPECTIONS_VIEW = "inspections.view", _("view inspections and findings")
    INSPECTIONS_CONDUCT = "inspections.conduct", _("record inspections and findings")
    FINDINGS_RECTIFY = "findings.rectify", _("answer findings with their rectification")
    FINDINGS_REVIEW = "findings.review", _("accept or reopen rectifications")
    BULLETINS_VIEW = "bulletins.view", _("read supervision bulletins")
    BULLETINS_MANAGE = "bulletins.manage", _("draft and publish supervision bulletins")
    NOTICES_VIEW = "notices.view", _("read notices")
    NOTICES_ISSUE = "notices.issue", _("issue notices")
    NOTICES_ACKNOWLEDGE = "notices.acknowledge", _("acknowledge notices")
    TRAINING_VIEW = "training.view", _("view training sessions and who is trained")
    TRAINING_MANAGE = "training.manage", _("record training sessions and their attendance")
    DUTY_VIEW = "duty.view", _("read the duty roster, keep the log of one's shift and hand over")
    DUTY_MANAGE = "duty.manage", _("plan the duty roster")
    CASES_VIEW = "cases.view", _("view cases and their close contacts")
    CASES_MANAGE = "cases.manage", _("open and classify cases")
    CONTACTS_DECIDE = "contacts.decide", _("find, confirm, drop and add close contacts")
    CONTACT_RULES_MANAGE = "contacts.rules", _("edit the contact rules")
    CONTAINMENT_MANAGE = "containment.manage", _("close and reopen departments and enterprises")
    FOLLOW_UPS_VIEW = "follow_ups.view", _("view daily health declarations")
    FOLLOW_UPS_RECORD = "follow_ups.record", _("enter daily health declarations")
    SUPPLIES_VIEW = "supplies.view", _("view prevention supplies, their ledger and requests")
    SUPPLIES_MANAGE = "supplies.manage", _("edit supply items, run the reserve and allocate")
    SUPPLIES_RECORD = "supplies.record", _("record an enterprise's receipts, use and counts")
    SUPPLIES_REQUEST = "supplies.request", _("request supplies from the reserve")
    ROOMS_VIEW = "rooms.view", _("view observation and isolation rooms and who is in them")
    ROOMS_MANAGE = "rooms.manage", _("set up observation and isolation rooms")
    ROOMS_PLACE = "rooms.place", _("place people in rooms and release them")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.COMMAND: frozenset(
        {
            Action.USERS_MANAGE,
            Action.AUDIT_VIEW,
            Action.RETENTION_MANAGE,
            Action.ENTERPRISES_VIEW,
            Action.ENTERPRISES_MANAGE,
            Action.ENTERPRISES_IMPORT,
            Action.ENTERPRISES_SUSPEND,
            Action.GUIDE_VIEW,
            Action.GUIDE_EDIT,
            Action.APPLICATIONS_VIEW,
            Action.APPLICATIONS_DECIDE,
            Action.WORKERS_VIEW,
            Action.WORKERS_MANAGE,
            Action.WORKERS_MOVE,
            Action.WORKERS_REVEAL_IDENTITY,
            Action.WORKERS_REVEAL_PHONE,
            Action.PASSES_MANAGE,
            Action.SCREENING_VIEW,
            Action.SCREENING_MANAGE,
            Action.HANDOVER_GENERATE,
            Action.HANDOVER_VIEW,
            Action.GATES_VIEW,
            Action.GATES_MANAGE,
            Action.GATE_EVENTS_FOLLOW,
            Action.REPORTS_VIEW,
            Action.HEADCOUNT_DECLARE,
            Action.INSPECTIONS_VIEW,
            Action.INSPECTIONS_CONDUCT,
            Action.FINDINGS_REVIEW,
            Action.BULLETINS_VIEW,
            Action.BULLETINS_MANAGE,
            Action.NOTICES_VIEW,
            Action.NOTICES_ISSUE,
            Action.TRAINING_VIEW,
            Action.TRAINING_MANAGE,
            Action.DUTY_VIEW,
            Action.DUTY_MANAGE,
            Action.CASES_VIEW,
            Action.CASES_MANAGE,
            Action.CONTACTS_DECIDE,
            Action.CONTACT_RULES_MANAGE,
            Action.CONTAINMENT_MANAGE,
            Action.FOLLOW_UPS_VIEW,
            Action.FOLLOW_UPS_RECORD,
            Action.SUPPLIES_VIEW,
            Action.SUPPLIES_MANAGE,
            Action.SUPPLIES_RECORD,
            Action.ROOMS_VIEW,
            Action.ROOMS_MANAGE,
            Action.ROOMS_PLACE,
        }
    ),
    Role.LIAISON: frozenset(
        {
            Action.ENTERPRISES_VIEW,
            Action.GUIDE_VIEW,
            Action.APPLICATIONS_VIEW,
            Action.APPLICATIONS_VERIFY,
            Action.WORKERS_VIEW,
            Action.WORKERS_REVEAL_PHONE,
            Action.SCREENING_VIEW,
            Action.GATES_VIEW,
            Action.GATE_EVENTS_FOLLOW,
            Action.REPORTS_VIEW,
            Action.INSPECTIONS_VIEW,
            Action.INSPECTIONS_CONDUCT,
            Action.FINDINGS_REVIEW,
            Action.BULLETINS_VIEW,
            Action.NOTICES_VIEW,
            Action.TRAINING_VIEW,
            Action.DUTY_VIEW,
            Action.CASES_VIEW,
            Action.FOLLOW_UPS_VIEW,
            Action.SUPPLIES_VIEW,
            Action.ROOMS_VIEW,
        }
    ),
    Role.INSPECTOR: frozenset(
        {
            Action.ENTERPRISES_VIEW,
            Action.GUIDE_VIEW,
            Action.APPLICATIONS_VIEW,
            Action.INSPECTIONS_VIEW,
            Action.INSPECTIONS_CONDUCT,
            Action.FINDINGS_REVIEW,
            Action.BULLETINS_VIEW,
        }
    ),
    Role.ENTERPRISE_OFFICER: frozenset(
        {
            Action.ENTERPRISES_VIEW,
            Action.GUIDE_VIEW,
            Action.APPLICATIONS_VIEW,
            Action.APPLICATIONS_APPLY,
            Action.WORKERS_VIEW,
            Action.WORKERS_MANAGE,
            Action.WORKERS_REVEAL_IDENTITY,
            Action.WORKERS_REVEAL_PHONE,
            Action.PASSES_MANAGE,
            Action.SCREENING_VIEW,
            Action.GATES_VIEW,
            Action.GATES_MANAGE,
            Action.GATE_EVENTS_FOLLOW,
            Action.REPORTS_VIEW,
            Action.HEADCOUNT_DECLARE,
            Action.INSPECTIONS_VIEW,
            Action.FINDINGS_RECTIFY,
            Action.BULLETINS_VIEW,
            Action.NOTICES_VIEW,
            Action.NOTICES_ACKNOWLEDGE,
            Action.TRAINING_VIEW,
            Action.TRAINING_MANAGE,
            Action.CASES_VIEW,
            Action.FOLLOW_UPS_VIEW,
            Action.FOLLOW_UPS_RECORD,
            Action.SUPPLIES_VIEW,
            Action.SUPPLIES_RECORD,
            Action.SUPPLIES_REQUEST,
            Action.ROOMS_VIEW,
            Action.ROOMS_MANAGE,
            Action.ROOMS_PLACE,
        }
    ),
    Role.GATE_OPERATOR: frozenset({Action.GATE_OPERATE}),
    Role.DISTRICT_LIAISON: frozenset(
        {Action.HANDOVER_VIEW, Action.HANDOVER_ACKNOWLEDGE, Action.WORKERS_REVEAL_PHONE}
    ),
}


def user_can(user: AnyActor | None, action: str) -> bool:
    """Whether an active, signed-in user's role allows ``action``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return action in ROLE_ACTIONS.get(getattr(user, "role", ""), frozenset())


def require(user: AnyActor | None, action: str) -> None:
    """Raise the 403 business error unless the user's role allows ``action``."""
    if not user_can(user, action):
        raise PermissionDeniedError()
