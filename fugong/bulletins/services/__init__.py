"""Writing bulletins and notices: draft, edit and publish a supervision bulletin (numbered per
year through a locked sequence); issue a notice to enterprises and acknowledge its receipt.

The optional ``at`` argument lets the demo loader record steps on past days; views and the API
never pass it.

The package is split by what it writes: ``bulletins`` (drafting from a period's inspections,
editing, publishing under the year's sequence) and ``notices`` (issuing, attachments,
acknowledgements).
"""

from .bulletins import (
    BULLETIN_FIELDS,
    BULLETIN_TEXT_FIELDS,
    NOTICE_MAX_ATTACHMENTS,
    NOTICE_MAX_DAYS_AHEAD,
    BulletinFields,
    DraftContent,
    bulletin_draft,
    bulletin_draft_content,
    bulletin_publish,
    bulletin_update,
)
from .notices import notice_acknowledge, notice_attachment_add, notice_issue

__all__ = [
    "BULLETIN_FIELDS",
    "BULLETIN_TEXT_FIELDS",
    "NOTICE_MAX_ATTACHMENTS",
    "NOTICE_MAX_DAYS_AHEAD",
    "BulletinFields",
    "DraftContent",
    "bulletin_draft",
    "bulletin_draft_content",
    "bulletin_publish",
    "bulletin_update",
    "notice_acknowledge",
    "notice_attachment_add",
    "notice_issue",
]
