"""Every page URL and every API operation has a test that checks its permissions role by role.

The matrix below names, for each URL name (with its namespace) and each API operation (method and
path, from the OpenAPI schema), the test function that requests it as each role. The meta-tests
enumerate the URL conf (``get_resolver``, recursively) and the schema: a view or an operation
missing from the matrix fails the build with its name. For each entry they check that the
function exists in that module, runs role by role (it is parametrized over ``role``, or loops
over ``PARK_ROLES`` or ``park.users()``) and mentions the URL — by name, or by path for an
operation — in its source or in the table its parametrization reads.

``NOT_YET_COVERED`` lists what has no role-by-role test yet: an honest to-do, not coverage. The
meta-test fails when an entry there gains a test (move it to the matrix) or no longer exists.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parents[3]

# Reachable by anyone, reading nothing of the park's: nothing to check role by role.
PUBLIC = {
    "set_language": "Django's language switch: sets a cookie",
    "accounts:login": "the sign-in page",
    "gate:service_worker": "the kiosk's service worker, a static script",
    "gate:manifest": "the kiosk's web manifest, static",
    "api-v1:openapi-json": "the OpenAPI schema",
    "api-v1:openapi-view": "the API's documentation page",
    "GET /api/v1/health": "the health check",
    "favicon": "a redirect to the static icon",
    # The pass's signed token is the key (no account): tested token by token (forged, revoked,
    # expired, rate-limited) in fugong/cases/tests/test_followups_views.py.
    "follow_up_pass": "a worker's daily health declaration through their pass",
}

PAGES: dict[str, dict[str, str]] = {
    "fugong/duty/tests/test_duty.py": {
        "duty:roster": "test_writes_by_role_write_nothing_when_refused",
        "duty:roster_xlsx": "test_the_pages_by_role",
        "duty:shift": "test_the_pages_by_role",
        "duty:log_add": "test_writes_by_role_write_nothing_when_refused",
        "duty:handover": "test_writes_by_role_write_nothing_when_refused",
        "duty:acknowledge": "test_writes_by_role_write_nothing_when_refused",
        "duty:delete": "test_writes_by_role_write_nothing_when_refused",
    },
    "fugong/training/tests/test_views.py": {
        "training:list": "test_recording_a_session_by_role",
        "training:trained": "test_the_pages_by_role",
        "training:import_template": "test_the_pages_by_role",
        "training:detail": "test_the_pages_by_role",
        "training:tick": "test_attendance_writes_by_role_write_nothing_when_refused",
        "training:remove": "test_attendance_writes_by_role_write_nothing_when_refused",
        "training:scan": "test_attendance_writes_by_role_write_nothing_when_refused",
        "training:import": "test_attendance_writes_by_role_write_nothing_when_refused",
        "training:material_upload": "test_attendance_writes_by_role_write_nothing_when_refused",
        "training:material_download": "test_the_pages_by_role",
    },
    "fugong/accounts/tests/test_views.py": {
        "accounts:my_account": "test_changing_ones_password_asks_for_the_current_one",
        "accounts:user_list": "test_user_management_is_for_the_command_post",
        "accounts:user_create": "test_user_management_is_for_the_command_post",
        "accounts:user_edit": "test_user_management_is_for_the_command_post",
        "accounts:user_password": "test_user_management_is_for_the_command_post",
        "accounts:user_active": "test_user_management_is_for_the_command_post",
    },
    "fugong/accounts/tests/test_user_import_views.py": {
        "accounts:user_import": "test_the_import_page_by_role",
        "accounts:user_import_template": "test_the_import_page_by_role",
        "accounts:password_required": "test_the_password_required_page_by_role",
    },
    "fugong/bulletins/tests/test_views.py": {
        "bulletins:list": "test_bulletin_pages_by_role",
        "bulletins:detail": "test_bulletin_pages_by_role",
        "bulletins:publish": "test_bulletin_writes_by_role_write_nothing_when_refused",
        "bulletins:docx": "test_bulletin_pages_by_role",
        "bulletins:notices": "test_notice_pages_by_role",
        "bulletins:notice": "test_notice_pages_by_role",
        "bulletins:notice_acknowledge": "test_notice_writes_by_role_write_nothing_when_refused",
        "bulletins:notice_attachment": "test_notice_pages_by_role",
    },
    "fugong/cases/tests/test_views.py": {
        "cases:list": "test_case_pages_by_role",
        "cases:detail": "test_case_pages_by_role",
        "cases:chain": "test_case_pages_by_role",
        "cases:export": "test_case_pages_by_role",
        "cases:open": "test_case_writes_by_role_write_nothing_when_refused",
        "cases:classify": "test_case_writes_by_role_write_nothing_when_refused",
        "cases:edit": "test_case_writes_by_role_write_nothing_when_refused",
    },
    "fugong/cases/tests/test_containment_api.py": {
        "cases:containment_page": "test_containment_pages_by_role",
        "cases:containment_close": "test_containment_writes_by_role",
        "cases:containment_reopen": "test_containment_writes_by_role",
    },
    "fugong/cases/tests/test_views_contacts.py": {
        "cases:contacts_section": "test_contact_pages_by_role",
        "cases:contacts_rules": "test_contact_pages_by_role",
        "cases:contacts_find": "test_contact_writes_by_role_write_nothing_when_refused",
        "cases:contacts_add": "test_contact_writes_by_role_write_nothing_when_refused",
        "cases:contacts_confirm": "test_contact_writes_by_role_write_nothing_when_refused",
        "cases:contacts_drop": "test_contact_writes_by_role_write_nothing_when_refused",
        "cases:contacts_rules_add": "test_contact_writes_by_role_write_nothing_when_refused",
    },
    "fugong/core/tests/test_views.py": {
        "overview:home": "test_home_and_navigation_by_role",
    },
    "fugong/cases/tests/test_followups_views.py": {
        "cases:follow_up_list": "test_follow_up_pages_by_role",
        "cases:follow_up_missing": "test_follow_up_pages_by_role",
        "cases:follow_up_record": "test_follow_up_pages_by_role",
    },
    "fugong/enterprises/tests/test_views.py": {
        "enterprises:create": "test_register_edit_and_import_are_for_the_command_post",
        "enterprises:import": "test_register_edit_and_import_are_for_the_command_post",
        "enterprises:import_template": "test_register_edit_and_import_are_for_the_command_post",
        "enterprises:edit": "test_register_edit_and_import_are_for_the_command_post",
    },
    "fugong/gate/tests/test_views.py": {
        "gate:list": "test_gate_pages_by_role",
        "gate:kiosk": "test_the_kiosk_is_the_operators",
        "gate:events": "test_event_pages_by_role",
        "gate:event_panel": "test_event_pages_by_role",
        "gate:event": "test_event_pages_by_role",
        "gate:detail": "test_gate_pages_by_role",
        "gate:edit": "test_editing_a_gate_by_role",
        "gate:operator_assign": "test_posting_operators_by_role",
        "gate:operator_remove": "test_posting_operators_by_role",
        "gate:device_create": "test_device_tokens_by_role",
        "gate:device_revoke": "test_device_tokens_by_role",
    },
    "fugong/guide/tests/test_views.py": {
        "guide:version_list": "test_reading_the_guide",
        "guide:version_draft": "test_editing_is_for_the_command_post",
        "guide:version_detail": "test_reading_the_guide",
        "guide:version_publish": "test_editing_is_for_the_command_post",
        "guide:item_create": "test_editing_is_for_the_command_post",
    },
    "fugong/handover/tests/test_views.py": {
        "handover:list": "test_pages_by_role",
        "handover:generate": "test_pages_by_role",
        "handover:detail": "test_pages_by_role",
        "handover:acknowledge": "test_pages_by_role",
    },
    "fugong/handover/tests/test_export_jobs.py": {
        "handover:export": "test_exporting_a_list_by_role",
    },
    "fugong/inspections/tests/test_views.py": {
        "inspections:list": "test_the_list_by_role",
        "inspections:detail": "test_recording_an_inspection_by_role",
        "inspections:update": "test_saving_the_checklist_by_role",
        "inspections:finding_add": "test_adding_a_finding_by_role",
        "inspections:complete": "test_completing_by_role",
        "inspections:findings": "test_the_findings_pages_by_role",
        "inspections:finding": "test_the_findings_pages_by_role",
        "inspections:attachment_upload": "test_uploading_evidence_by_role",
        "inspections:attachment_download": "test_downloading_an_attachment_by_role",
        "inspections:rectify": "test_rectifying_by_role",
        "inspections:review": "test_reviewing_by_role",
        "inspections:suspend": "test_suspending_over_a_serious_finding_by_role",
    },
    "fugong/jobs/tests/test_jobs.py": {
        "jobs:list": "test_job_pages_by_role",
        "jobs:detail": "test_job_pages_by_role",
        "jobs:result": "test_job_pages_by_role",
    },
    "fugong/overview/tests/test_audit_views.py": {
        "audit:event_list": "test_only_the_command_post_reads_the_audit_trail",
        "audit:export": "test_only_the_command_post_filters_and_exports_the_trail",
    },
    "fugong/accounts/tests/test_views_two_factor.py": {
        "accounts:user_two_factor_reset": "test_only_the_command_post_resets_anothers_two_factor",
    },
    "fugong/rooms/tests/test_rooms.py": {
        "rooms:list": "test_room_pages_by_role",
        "rooms:detail": "test_room_pages_by_role",
        "rooms:place": "test_room_pages_by_role",
        "rooms:release": "test_room_pages_by_role",
    },
    "fugong/supplies/tests/test_views.py": {
        "supplies:home": "test_supply_pages_by_role",
        "supplies:reserve": "test_supply_pages_by_role",
        "supplies:items": "test_supply_pages_by_role",
        "supplies:item_edit": "test_supply_pages_by_role",
        "supplies:requests": "test_supply_pages_by_role",
        "supplies:low_on_masks": "test_supply_pages_by_role",
        "supplies:enterprise": "test_supply_pages_by_role",
        "supplies:import": "test_supply_pages_by_role",
        "supplies:import_template": "test_supply_pages_by_role",
        "supplies:allocate": "test_supply_pages_by_role",
        "supplies:request_create": "test_supply_writes_by_role_write_nothing_when_refused",
        "supplies:open_from_application": "test_supply_writes_by_role_write_nothing_when_refused",
        "supplies:decline": "test_supply_writes_by_role_write_nothing_when_refused",
    },
    "fugong/retention/tests/test_views.py": {
        "retention:policy": "test_the_page_by_role",
    },
    "fugong/overview/tests/test_enterprise_views.py": {
        "enterprises:list": "test_list_and_detail_by_role",
        "enterprises:detail": "test_list_and_detail_by_role",
    },
    "fugong/reports/tests/test_views.py": {
        "reports:dashboard": "test_pages_by_role",
        "reports:enterprises": "test_pages_by_role",
        "reports:records": "test_pages_by_role",
        "reports:daily": "test_pages_by_role",
        "reports:daily_xlsx": "test_pages_by_role",
        "reports:declarations": "test_pages_by_role",
    },
    "fugong/resumption/tests/test_views.py": {
        "resumption:application_list": "test_permission_matrix",
        "resumption:application_create": "test_only_officers_start_applications",
        "resumption:application_detail": "test_permission_matrix",
        "resumption:application_edit": "test_permission_matrix",
        "resumption:application_submit": "test_permission_matrix",
        "resumption:application_verify": "test_permission_matrix",
        "resumption:application_approve": "test_permission_matrix",
        "resumption:application_return": "test_permission_matrix",
        "resumption:attachment_upload": "test_permission_matrix",
        "resumption:suspend": "test_permission_matrix",
        "resumption:reinstate": "test_only_command_reinstates",
    },
    "fugong/screening/tests/test_views.py": {
        "screening:rules": "test_rules_pages_by_role",
        "screening:area_add": "test_rules_pages_by_role",
        "screening:runs": "test_rules_pages_by_role",
        "screening:run": "test_rules_pages_by_role",
    },
    "fugong/screening/tests/test_rescreen_jobs.py": {
        "screening:policy_add": "test_policy_and_rescreening_as_jobs_by_role",
        "screening:rescreen": "test_policy_and_rescreening_as_jobs_by_role",
    },
    "fugong/workforce/tests/test_views.py": {
        "workforce:list": "test_reading_workers_by_role",
        "workforce:detail": "test_reading_workers_by_role",
        "workforce:edit": "test_writes_by_role",
        "workforce:leave": "test_writes_by_role",
        "workforce:move": "test_the_move_page_by_role",
        "workforce:reveal": "test_writes_by_role",
        "workforce:pass_issue": "test_writes_by_role",
        "workforce:create": "test_registration_and_import_pages_by_role",
        "workforce:import": "test_registration_and_import_pages_by_role",
        "workforce:import_template": "test_registration_and_import_pages_by_role",
        "workforce:badges": "test_the_badge_sheet_by_role",
        "workforce:pass_revoke": "test_revoking_a_pass_by_role",
        "workforce:passes_issue_missing": "test_issuing_the_missing_passes_by_role",
    },
}
OPERATIONS: dict[str, dict[str, str]] = {
    "fugong/cases/tests/test_api.py": {
        "GET /api/v1/cases": "test_case_reads_by_role",
        "GET /api/v1/cases/{case_id}": "test_case_reads_by_role",
        "GET /api/v1/cases/{case_id}/timeline": "test_case_reads_by_role",
        "GET /api/v1/cases/{case_id}/chain": "test_case_reads_by_role",
        "GET /api/v1/cases/{case_id}/export.xlsx": "test_case_reads_by_role",
        "POST /api/v1/cases": "test_case_writes_by_role",
        "PATCH /api/v1/cases/{case_id}": "test_case_writes_by_role",
        "POST /api/v1/cases/{case_id}/classification": "test_case_writes_by_role",
    },
    "fugong/cases/tests/test_containment_api.py": {
        "GET /api/v1/closures": "test_closure_reads_by_role",
        "POST /api/v1/cases/{case_id}/closures": "test_closure_writes_by_role",
        "POST /api/v1/closures/{closure_id}/reopen": "test_closure_writes_by_role",
    },
    "fugong/duty/tests/test_duty.py": {
        "GET /api/v1/duty/shifts": "test_the_api_by_role",
        "POST /api/v1/duty/shifts": "test_the_api_by_role",
        "GET /api/v1/duty/now": "test_the_api_by_role",
        "POST /api/v1/duty/shifts/{shift_id}/log": "test_the_api_by_role",
        "POST /api/v1/duty/shifts/{shift_id}/handover": "test_the_api_by_role",
        "POST /api/v1/duty/shifts/{shift_id}/acknowledge": "test_the_api_by_role",
    },
    "fugong/training/tests/test_api.py": {
        "GET /api/v1/training/sessions": "test_reads_by_role",
        "POST /api/v1/training/sessions": "test_creating_by_role",
        "GET /api/v1/training/sessions/{session_id}": "test_reads_by_role",
        "POST /api/v1/training/sessions/{session_id}/attendance": "test_attendance_by_role",
        "DELETE /api/v1/training/sessions/{session_id}/attendance/{worker_id}": (
            "test_attendance_by_role"
        ),
        "POST /api/v1/training/sessions/{session_id}/scan": "test_attendance_by_role",
        "POST /api/v1/training/sessions/{session_id}/attendance/import": "test_attendance_by_role",
        "POST /api/v1/training/sessions/{session_id}/materials": "test_attendance_by_role",
        "GET /api/v1/training/sessions/{session_id}/materials/{material_id}": "test_reads_by_role",
        "GET /api/v1/training/enterprises": "test_reads_by_role",
        "GET /api/v1/training/untrained": "test_reads_by_role",
    },
    "fugong/rooms/tests/test_rooms.py": {
        "GET /api/v1/rooms": "test_room_api_by_role",
        "POST /api/v1/rooms": "test_room_api_by_role",
        "GET /api/v1/rooms/{room_id}": "test_room_api_by_role",
        "POST /api/v1/rooms/{room_id}/placements": "test_room_api_by_role",
        "POST /api/v1/placements/{placement_id}/release": "test_room_api_by_role",
    },
    "fugong/supplies/tests/test_api.py": {
        "GET /api/v1/supplies/items": "test_supply_reads_by_role",
        "GET /api/v1/supplies/requests": "test_supply_reads_by_role",
        "GET /api/v1/supplies/reserve": "test_supply_reads_by_role",
        "GET /api/v1/supplies/reserve/entries": "test_supply_reads_by_role",
        "GET /api/v1/supplies/enterprises/{enterprise_id}": "test_supply_reads_by_role",
        "GET /api/v1/supplies/enterprises/{enterprise_id}/entries": "test_supply_reads_by_role",
        "POST /api/v1/supplies/items": "test_supply_writes_by_role",
        "PUT /api/v1/supplies/items/{item_id}": "test_supply_writes_by_role",
        "POST /api/v1/supplies/reserve/entries": "test_supply_writes_by_role",
        "POST /api/v1/supplies/enterprises/{enterprise_id}/entries": "test_supply_writes_by_role",
        "POST /api/v1/supplies/enterprises/{enterprise_id}/requests": "test_supply_writes_by_role",
        "POST /api/v1/supplies/enterprises/{enterprise_id}/import": "test_supply_writes_by_role",
        "POST /api/v1/supplies/requests/{request_id}/allocate": "test_supply_writes_by_role",
        "POST /api/v1/supplies/requests/{request_id}/decline": "test_supply_writes_by_role",
    },
    "fugong/cases/tests/test_api_contacts.py": {
        "GET /api/v1/cases/{case_id}/contacts": "test_reads_and_writes_by_role",
        "POST /api/v1/cases/{case_id}/contacts": "test_reads_and_writes_by_role",
        "POST /api/v1/cases/{case_id}/contacts/find": "test_reads_and_writes_by_role",
        "GET /api/v1/contacts/{contact_id}": "test_reads_and_writes_by_role",
        "POST /api/v1/contacts/{contact_id}/confirm": "test_reads_and_writes_by_role",
        "POST /api/v1/contacts/{contact_id}/drop": "test_reads_and_writes_by_role",
        "GET /api/v1/contact-rules": "test_reads_and_writes_by_role",
        "POST /api/v1/contact-rules": "test_reads_and_writes_by_role",
    },
    "fugong/core/tests/test_api.py": {
        "GET /api/v1/me": "test_me_by_role",
    },
    "fugong/cases/tests/test_followups_views.py": {
        "POST /api/v1/follow-ups": "test_follow_up_api_by_role",
        "GET /api/v1/follow-ups": "test_follow_up_api_by_role",
        "GET /api/v1/follow-ups/missing": "test_follow_up_api_by_role",
    },
    "fugong/accounts/tests/test_user_import_views.py": {
        "POST /api/v1/users/import": "test_the_import_api_by_role",
    },
    "fugong/bulletins/tests/test_api.py": {
        "GET /api/v1/bulletins": "test_bulletin_reads_by_role",
        "GET /api/v1/bulletins/{bulletin_id}": "test_bulletin_reads_by_role",
        "POST /api/v1/bulletins": "test_bulletin_writes_by_role",
        "PATCH /api/v1/bulletins/{bulletin_id}": "test_bulletin_writes_by_role",
        "POST /api/v1/bulletins/{bulletin_id}/publish": "test_bulletin_writes_by_role",
        "GET /api/v1/notices": "test_notice_reads_by_role",
        "POST /api/v1/notices": "test_notice_writes_by_role",
        "GET /api/v1/notices/{notice_id}": "test_notice_reads_by_role",
        "POST /api/v1/notices/{notice_id}/attachments": "test_notice_writes_by_role",
        "GET /api/v1/notices/{notice_id}/attachments/{attachment_id}": "test_notice_reads_by_role",
        "POST /api/v1/notices/{notice_id}/acknowledge": "test_notice_writes_by_role",
    },
    "fugong/bulletins/tests/test_docx_jobs.py": {
        "GET /api/v1/bulletins/{bulletin_id}/docx": "test_starting_a_docx_job_by_role",
    },
    "fugong/gate/tests/test_api_checks.py": {
        "POST /api/v1/gates/{gate_id}/checks": "test_only_the_gates_operator_records_checks",
        "POST /api/v1/gates/{gate_id}/checks/batch": "test_only_the_gates_operator_records_checks",
        "GET /api/v1/gates/{gate_id}/checks": "test_only_the_gates_operator_records_checks",
        "GET /api/v1/gates/{gate_id}/snapshot": "test_only_the_gates_operator_records_checks",
    },
    "fugong/gate/tests/test_api_reads.py": {
        "POST /api/v1/abnormal-events/{event_id}/steps": "test_events_by_role",
        "GET /api/v1/gates": "test_gate_reads_by_role",
        "GET /api/v1/abnormal-events": "test_events_by_role",
    },
    "fugong/guide/tests/test_views.py": {
        "GET /api/v1/guide/versions/{version_id}": "test_reading_the_guide",
        "GET /api/v1/guide/current": "test_reading_the_guide",
    },
    "fugong/inspections/tests/test_api.py": {
        "PATCH /api/v1/inspections/{inspection_id}": "test_writing_a_draft_by_role",
        "POST /api/v1/inspections/{inspection_id}/complete": "test_writing_a_draft_by_role",
        "POST /api/v1/inspections/{inspection_id}/findings": "test_writing_a_draft_by_role",
        "POST /api/v1/findings/{finding_id}/review": "test_reviewing_by_role",
        "POST /api/v1/inspections": "test_creating_by_role",
        "GET /api/v1/inspections": "test_reads_by_role",
        "GET /api/v1/inspections/{inspection_id}": "test_reads_by_role",
        "GET /api/v1/findings": "test_reads_by_role",
        "GET /api/v1/findings/{finding_id}": "test_reads_by_role",
        "POST /api/v1/findings/{finding_id}/rectifications": "test_rectifying_by_role",
        "POST /api/v1/findings/{finding_id}/attachments": "test_rectifying_by_role",
        "GET /api/v1/findings/{finding_id}/attachments/{attachment_id}": "test_downloading_by_role",
    },
    "fugong/jobs/tests/test_jobs.py": {
        "GET /api/v1/jobs": "test_job_api_by_role",
        "GET /api/v1/jobs/{job_id}": "test_job_api_by_role",
        "GET /api/v1/jobs/{job_id}/result": "test_job_api_by_role",
    },
    "fugong/overview/tests/test_api.py": {
        "GET /api/v1/enterprises": "test_reads_are_scoped",
        "POST /api/v1/enterprises": "test_writes_are_for_the_command_post",
        "GET /api/v1/enterprises/{enterprise_id}": "test_reads_are_scoped",
        "PATCH /api/v1/enterprises/{enterprise_id}": "test_writes_are_for_the_command_post",
        "POST /api/v1/enterprises/import": "test_writes_are_for_the_command_post",
    },
    "fugong/reports/tests/test_api.py": {
        "GET /api/v1/reports/daily": "test_report_reads_by_role",
        "GET /api/v1/headcount-declarations": "test_report_reads_by_role",
        "POST /api/v1/headcount-declarations": "test_declaration_by_role",
    },
    "fugong/resumption/tests/test_api.py": {
        "GET /api/v1/applications": "test_the_list_by_role",
        "GET /api/v1/applications/{application_id}": "test_permission_matrix",
        "PATCH /api/v1/applications/{application_id}": "test_permission_matrix",
        "GET /api/v1/applications/{application_id}/timeline": "test_permission_matrix",
        "POST /api/v1/applications/{application_id}/submit": "test_permission_matrix",
        "POST /api/v1/applications/{application_id}/verify": "test_permission_matrix",
        "POST /api/v1/applications/{application_id}/approve": "test_permission_matrix",
        "POST /api/v1/applications/{application_id}/return": "test_permission_matrix",
    },
    "fugong/workforce/tests/test_api.py": {
        "GET /api/v1/risk-areas": "test_screening_reads_by_role",
        "POST /api/v1/risk-areas": "test_declaring_a_risk_area_by_role",
        "GET /api/v1/rescreenings": "test_screening_reads_by_role",
        "GET /api/v1/workers": "test_reads_by_role",
        "POST /api/v1/workers": "test_writes_by_role",
        "GET /api/v1/workers/{worker_id}": "test_reads_by_role",
        "PATCH /api/v1/workers/{worker_id}": "test_writes_by_role",
        "POST /api/v1/workers/{worker_id}/move": "test_moving_a_worker_over_the_api_by_role",
        "GET /api/v1/workers/{worker_id}/clearance": "test_reads_by_role",
        "POST /api/v1/enterprises/{enterprise_id}/roster": "test_writes_by_role",
        "POST /api/v1/workers/{worker_id}/leave": "test_worker_actions_by_role",
        "POST /api/v1/workers/{worker_id}/pass": "test_worker_actions_by_role",
        "POST /api/v1/workers/{worker_id}/pass/{pass_id}/revoke": "test_worker_actions_by_role",
        "POST /api/v1/workers/{worker_id}/reveal/{field}": "test_worker_actions_by_role",
    },
}
NOT_YET_COVERED: set[str] = {
    # A signed-in user's own two-factor pages (any role, their own account only).
    "accounts:two_factor_verify",
    "accounts:two_factor_enrol",
    "accounts:two_factor_confirm",
    "accounts:two_factor_recovery",
    "accounts:two_factor_disable",
    "accounts:logout",
    "accounts:my_password",
    "accounts:token_create",
    "accounts:token_revoke",
    "resumption:attachment_download",
    "resumption:attachment_remove",
    "guide:version_edit",
    "guide:item_edit",
    "guide:item_remove",
    "pass_page",
    "screening:area_edit",
    "POST /api/v1/enterprises/{enterprise_id}/suspend",
    "POST /api/v1/enterprises/{enterprise_id}/reinstate",
    "POST /api/v1/applications",
    "GET /api/v1/applications/{application_id}/attachments/{attachment_id}",
    "POST /api/v1/applications/{application_id}/attachments",
    "POST /api/v1/workers/search",
    "POST /api/v1/passes/check",
    "POST /api/v1/gates/{gate_id}/identify",
    "POST /api/v1/gates/{gate_id}/search",
}


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named URL pattern, namespaced (``app:name``), recursively."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            found += _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return found


def _page_names() -> list[str]:
    """The pages: the API's own URL names are checked as operations (method and path)."""
    return [name for name in _url_names() if not name.startswith("api-v1:")]


def _operations() -> list[str]:
    from fugong.api import api

    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item]


def _flat(matrix: dict[str, dict[str, str]]) -> dict[str, tuple[str, str]]:
    return {
        entry: (module, test) for module, tests in matrix.items() for entry, test in tests.items()
    }


@functools.cache
def _module(module_path: str) -> tuple[str, ast.Module, dict[str, str]]:
    """A test module's source, its syntax tree and its module-level assignments by name."""
    source = (ROOT / module_path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    tables = {
        target.id: ast.get_source_segment(source, node) or ""
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return source, tree, tables


def _source_read_by(module_path: str, function_name: str) -> str:
    """The test function's source, with its decorators and the module-level tables they read."""
    source, tree, tables = _module(module_path)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function_name:
            read = {
                name.id
                for decorator in node.decorator_list
                for name in ast.walk(decorator)
                if isinstance(name, ast.Name)
            }
            decorators = [ast.get_source_segment(source, d) or "" for d in node.decorator_list]
            own = ast.get_source_segment(source, node) or ""
            return "".join([*decorators, own, *(tables.get(name, "") for name in sorted(read))])
    raise AssertionError(f"{module_path} has no module-level test function {function_name}")


def _role_by_role(source: str) -> bool:
    return any(mark in source for mark in ('parametrize("role"', "PARK_ROLES", "park.users()"))


def _mentions_operation(source: str, operation: str) -> bool:
    method, path = operation.split(" ", 1)
    # /api/v1/workers/{worker_id} is written f"/api/v1/workers/{worker.pk}", with a number, or
    # for a parameter that is a word (reveal/{field}) with the word.
    pattern = re.sub(r"\\\{[a-z_]+\\\}", r"[^/\"'?]+", re.escape(path)) + r"[\"'?]"
    method = method.lower()
    return bool(re.search(pattern, source)) and (
        re.search(rf"\b{method}\(", source) is not None or f'"{method}"' in source
    )


def test_every_page_is_in_the_permission_matrix():
    covered = set(_flat(PAGES)) | set(PUBLIC) | NOT_YET_COVERED
    missing = [name for name in _page_names() if name not in covered]
    assert not missing, (
        "pages without a role-by-role permission test in the matrix "
        f"(fugong/core/tests/test_permission_coverage.py, PAGES): {missing}"
    )


def test_every_api_operation_is_in_the_permission_matrix():
    covered = set(_flat(OPERATIONS)) | set(PUBLIC) | NOT_YET_COVERED
    missing = [operation for operation in _operations() if operation not in covered]
    assert not missing, (
        "API operations without a role-by-role permission test in the matrix "
        f"(fugong/core/tests/test_permission_coverage.py, OPERATIONS): {missing}"
    )


def test_the_matrix_names_only_what_exists():
    existing = (
        set(_page_names()) | set(_operations()) | {"api-v1:openapi-json", "api-v1:openapi-view"}
    )
    listed = set(_flat(PAGES)) | set(_flat(OPERATIONS)) | set(PUBLIC) | NOT_YET_COVERED
    assert sorted(listed - existing) == []


@pytest.mark.parametrize("name", sorted(_flat(PAGES)))
def test_the_named_test_checks_the_page_role_by_role(name):
    module_path, function_name = _flat(PAGES)[name]
    source = _source_read_by(module_path, function_name)
    assert _role_by_role(source), f"{module_path}::{function_name} does not run role by role"
    assert f'"{name}"' in source, f"{module_path}::{function_name} never requests {name}"


@pytest.mark.parametrize("operation", sorted(_flat(OPERATIONS)))
def test_the_named_test_checks_the_operation_role_by_role(operation):
    module_path, function_name = _flat(OPERATIONS)[operation]
    source = _source_read_by(module_path, function_name)
    assert _role_by_role(source), f"{module_path}::{function_name} does not run role by role"
    assert _mentions_operation(source, operation), (
        f"{module_path}::{function_name} never requests {operation}"
    )


def _every_test_source() -> list[tuple[str, str, str]]:
    """(module path, function name, source read) of every module-level test of the apps."""
    found = []
    for path in sorted((ROOT / "fugong").glob("*/tests/test_*.py")):
        module_path = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.append((module_path, node.name, _source_read_by(module_path, node.name)))
    return found


def test_what_is_not_yet_covered_really_is_not():
    """An entry of ``NOT_YET_COVERED`` that a role-by-role test now requests belongs in the
    matrix: the to-do list only shrinks."""
    sources = [source for _, _, source in _every_test_source() if _role_by_role(source)]
    now_covered = sorted(
        entry
        for entry in NOT_YET_COVERED
        if any(
            _mentions_operation(source, entry)
            if entry.startswith("/") or " /" in entry
            else f'"{entry}"' in source
            for source in sources
        )
    )
    assert now_covered == [], (
        f"these have a role-by-role test now, list it in the matrix: {now_covered}"
    )
