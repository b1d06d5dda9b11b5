"""The resumption workflow: apply, submit, verify on site, approve or return; suspend and
reinstate. Each function checks the actor's role and scope, the application's state, validates
everything before writing anything, and records the step in the audit trail.

The optional ``at`` argument lets the demo loader and data migrations record steps that
happened in the past; views and the API never pass it.

The package is split by what it writes: ``applications`` (the application's steps: start, edit,
submit, verify on site, approve, return), ``attachments`` (its attachments) and ``suspensions``
(suspending and reinstating an enterprise).
"""

from .applications import (
    APPLICATION_FIELDS,
    ApplicationFields,
    ItemAnswer,
    application_approve,
    application_create,
    application_missing_for_submission,
    application_return,
    application_submit,
    application_update,
    application_verify,
)
from .attachments import application_attachment_add, application_attachment_remove
from .suspensions import enterprise_reinstate, enterprise_suspend

__all__ = [
    "APPLICATION_FIELDS",
    "ApplicationFields",
    "ItemAnswer",
    "application_approve",
    "application_attachment_add",
    "application_attachment_remove",
    "application_create",
    "application_missing_for_submission",
    "application_return",
    "application_submit",
    "application_update",
    "application_verify",
    "enterprise_reinstate",
    "enterprise_suspend",
]
