"""The audit trail: one row for every important write, by whom, when, on what."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import context


class AuditAction(models.TextChoices):
    USER_CREATED = "user.created", _("User created")
    USER_UPDATED = "user.updated", _("User updated")
    USER_PASSWORD_SET = "user.password_set", _("Password set")
    USER_PASSWORD_CHANGED = "user.password_changed", _("Own password changed")
    USER_DEACTIVATED = "user.deactivated", _("User deactivated")
    USER_ACTIVATED = "user.activated", _("User reactivated")
    USERS_IMPORTED = "user.imported", _("Users imported")
    TWO_FACTOR_ENABLED = "two_factor.enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor.disabled", _("Two-factor sign-in turned off")
    TWO_FACTOR_RECOVERY_REGENERATED = (
        "two_factor.recovery_regenerated",
        _("Two-factor recovery codes regenerated"),
    )
    TWO_FACTOR_RECOVERY_CODE_USED = "two_factor.recovery_code_used", _("Recovery code used")
    TWO_FACTOR_FAILED = "two_factor.failed", _("Wrong two-factor code")
    API_TOKEN_CREATED = "api_token.created", _("API token created")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    ENTERPRISE_CREATED = "enterprise.created", _("Enterprise registered")
    ENTERPRISE_UPDATED = "enterprise.updated", _("Enterprise updated")
    ENTERPRISE_LIAISON_ASSIGNED = "enterprise.liaison_assigned", _("Liaison assigned")
    ENTERPRISES_IMPORTED = "enterprise.imported", _("Enterprises imported")
    ENTERPRISE_SUSPENDED = "enterprise.suspended", _("Enterprise suspended")
    ENTERPRISE_REINSTATED = "enterprise.reinstated", _("Enterprise reinstated")
    GUIDE_VERSION_DRAFTED = "guide.drafted", _("Guide version drafted")
    GUIDE_VERSION_UPDATED = "guide.updated", _("Guide version title or notes changed")
    GUIDE_ITEM_SAVED = "guide.item_saved", _("Guide item saved")
    GUIDE_ITEM_REMOVED = "guide.item_removed", _("Guide item removed")
    GUIDE_VERSION_PUBLISHED = "guide.published", _("Guide version published")
    APPLICATION_CREATED = "application.created", _("Application started")
    APPLICATION_UPDATED = "application.updated", _("Application edited")
    APPLICATION_ATTACHMENT_ADDED = "application.attachment_added", _("Attachment added")
    APPLICATION_ATTACHMENT_REMOVED = "application.attachment_removed", _("Attachment removed")
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_RESUBMITTED = (
        "application.resubmitted",
        _("Application resubmitted after rectification"),
    )
    APPLICATION_VERIFIED = "application.verified", _("Verified on site")
    APPLICATION_APPROVED = "application.approved", _("Approved")
    APPLICATION_RETURNED = "application.returned", _("Returned for rectification")
    WORKER_CREATED = "worker.created", _("Worker registered")
    WORKER_UPDATED = "worker.updated", _("Worker updated")
    WORKER_LEFT = "worker.left", _("Worker left the enterprise")
    WORKER_MOVED = "worker.moved", _("Worker moved to another enterprise")
    WORKER_MOVED_IN = "worker.moved_in", _("Worker moved here from another enterprise")
    WORKER_REHIRED = "worker.rehired", _("Worker registered again after leaving")
    WORKERS_IMPORTED = "worker.imported", _("Roster imported")
    PERSONAL_DATA_VIEWED = "personal_data.viewed", _("Full personal data viewed")
    PERSONAL_DATA_EXPORTED = "personal_data.exported", _("Personal data exported")
    PERSONAL_DATA_REVEAL_REFUSED = (
        "personal_data.reveal_refused",
        _("Full personal data refused: too many looks"),
    )
    PERSONAL_DATA_REVEAL_ALERT = (
        "personal_data.reveal_alert",
        _("Alert: unusual number of full personal data looks"),
    )
    PASS_ISSUED = "pass.issued", _("Worker pass issued")
    PASS_REVOKED = "pass.revoked", _("Worker pass revoked")
    RISK_AREA_SAVED = "screening.risk_area_saved", _("Risk area saved")
    SCREENING_POLICY_SAVED = "screening.policy_saved", _("Screening policy saved")
    RESCREENED = "screening.rescreened", _("Workers re-screened")
    HANDOVER_GENERATED = "handover.generated", _("Handover lists generated")
    HANDOVER_ACKNOWLEDGED = "handover.acknowledged", _("Handover list acknowledged")
    GATE_SAVED = "gate.saved", _("Gate saved")
    GATE_DEVICE_CREATED = "gate.device_created", _("Gate device token created")
    GATE_DEVICE_REVOKED = "gate.device_revoked", _("Gate device token revoked")
    GATE_OPERATOR_POSTED = "gate.operator_posted", _("Gate operator posted at a gate")
    GATE_OPERATOR_REMOVED = "gate.operator_removed", _("Gate operator taken off a gate")
    RETENTION_POLICY_SAVED = "retention.policy_saved", _("Retention periods saved")
    RETENTION_APPLIED = "retention.applied", _("Personal data past its retention period removed")
    GATE_EVENT_RAISED = "gate.event_raised", _("Abnormal event at a gate")
    GATE_EVENT_STEP = "gate.event_step", _("Abnormal event followed up")
    HEADCOUNT_DECLARED = "reports.headcount_declared", _("Workers on duty declared")
    INSPECTION_CREATED = "inspection.created", _("Inspection recorded")
    INSPECTION_UPDATED = "inspection.updated", _("Inspection edited")
    INSPECTION_COMPLETED = "inspection.completed", _("Inspection completed")
    FINDING_ADDED = "finding.added", _("Finding recorded")
    FINDING_ATTACHMENT_ADDED = "finding.attachment_added", _("Finding photo or evidence added")
    FINDING_RECTIFIED = "finding.rectified", _("Rectification submitted")
    FINDING_ACCEPTED = "finding.accepted", _("Rectification accepted")
    FINDING_REOPENED = "finding.reopened", _("Finding reopened")
    BULLETIN_DRAFTED = "bulletin.drafted", _("Supervision bulletin drafted")
    BULLETIN_UPDATED = "bulletin.updated", _("Supervision bulletin edited")
    BULLETIN_PUBLISHED = "bulletin.published", _("Supervision bulletin published")
    NOTICE_ISSUED = "notice.issued", _("Notice issued")
    NOTICE_ACKNOWLEDGED = "notice.acknowledged", _("Notice acknowledged")
    AUDIT_TRAIL_EXPORTED = "audit.exported", _("Audit trail exported")
    TRAINING_SESSION_CREATED = "training.session_created", _("Training session recorded")
    TRAINING_MATERIAL_ADDED = "training.material_added", _("Training material attached")
    TRAINING_ATTENDANCE_RECORDED = "training.attendance_recorded", _("Training attendance recorded")
    TRAINING_ATTENDANCE_REMOVED = "training.attendance_removed", _("Training attendance removed")
    TRAINING_ATTENDANCE_IMPORTED = "training.attendance_imported", _("Training attendance imported")
    DUTY_SHIFT_CREATED = "duty.shift_created", _("Duty shift planned")
    DUTY_SHIFT_DELETED = "duty.shift_deleted", _("Duty shift removed")
    DUTY_LOG_ADDED = "duty.log_added", _("Duty log entry added")
    DUTY_HANDOVER_WRITTEN = "duty.handover_written", _("Shift handover note written")
    DUTY_HANDOVER_ACKNOWLEDGED = "duty.handover_acknowledged", _("Shift handover acknowledged")
    CASE_OPENED = "case.opened", _("Case opened")
    CASE_CLASSIFIED = "case.classified", _("Case classification changed")
    CASE_UPDATED = "case.updated", _("Case details changed")
    CASE_EXPORTED = "case.exported", _("Case exported with its contacts")
    CONTACTS_FOUND = "case.contacts_found", _("Close contacts searched")
    CONTACT_CONFIRMED = "case.contact_confirmed", _("Close contact confirmed")
    CONTACT_DROPPED = "case.contact_dropped", _("Close contact dropped")
    CONTACT_ADDED = "case.contact_added", _("Close contact added by hand")
    CONTACT_RULES_SAVED = "case.contact_rules_saved", _("Contact rules saved")
    CONTAINMENT_STARTED = "containment.started", _("Department or enterprise closed")
    CONTAINMENT_LIFTED = "containment.lifted", _("Department or enterprise reopened")
    FOLLOW_UP_RECORDED = "follow_up.recorded", _("Health declaration recorded")
    SUPPLY_ITEM_SAVED = "supplies.item_saved", _("Supply item saved")
    SUPPLY_RECORDED = "supplies.recorded", _("Supplies recorded")
    SUPPLY_COUNT_IMPORTED = "supplies.count_imported", _("Stock count imported")
    SUPPLY_REQUESTED = "supplies.requested", _("Supplies requested")
    SUPPLY_ALLOCATED = "supplies.allocated", _("Supplies allocated from the reserve")
    SUPPLY_REQUEST_DECLINED = "supplies.declined", _("Supply request declined")
    ROOM_SAVED = "rooms.saved", _("Observation or isolation room saved")
    PERSON_PLACED = "rooms.placed", _("Person placed in a room")
    PERSON_RELEASED = "rooms.released", _("Person released from a room")


class AuditEvent(models.Model):
    """One important write. Rows are only ever added, never changed."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # No ``choices`` on the column: every capability adds actions, and the labels live in code.
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    # The enterprise the event concerns, by id: the trail sits below every domain app and knows
    # no domain model (see docs/architecture.md, "Layers"); timelines and scoped trails filter on
    # it through the (enterprise_id, created_at) index.
    enterprise_id = models.BigIntegerField(_("enterprise"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    # Where the write came from (see fugong.audit.context): the client's address, and the API
    # token or gate device token that authenticated the request. Empty outside a request (a
    # management command). Plain ids, not foreign keys: an audit row never changes, whatever
    # happens to the token later, and the trail knows no other app's models.
    client_address = models.GenericIPAddressField(
        _("client address"), null=True, blank=True, default=context.current_address
    )
    api_token_id = models.BigIntegerField(
        _("API token"), null=True, blank=True, default=context.current_api_token_id
    )
    gate_device_id = models.BigIntegerField(
        _("gate device"), null=True, blank=True, default=context.current_gate_device_id
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"]),
            models.Index(
                fields=["enterprise_id", "created_at"], name="audit_audit_enterpr_af879e_idx"
            ),
            # One user's recent rows of one kind: the reveal limit counts them on every reveal.
            models.Index(fields=["actor", "action", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def get_action_display(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action
