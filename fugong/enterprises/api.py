"""API: the import of the park's accounts (``POST /api/v1/users/import``). It reads enterprises
and assigns liaisons, so it sits here rather than in accounts (see ``user_import``)."""

from __future__ import annotations

from base64 import b64encode
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from fugong.accounts.http import ApiRequest
from fugong.accounts.letters import login_letters_docx, site_url
from fugong.core.api import ERROR_RESPONSES_BUT_400, ErrorDetail, ErrorOut

from .user_import import users_import

router = Router(tags=["users"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class UserImportErrorOut(Schema):
    row: int
    column: str
    message: str


class LoginLettersOut(Schema):
    """The login letters of the accounts the import created: a .docx, base64-encoded. It holds
    their initial passwords and is answered this once: nothing keeps it."""

    filename: str
    content_type: str
    base64: str
    accounts: int


class UserImportOut(Schema):
    ok: bool
    total: int
    created: int
    updated: int
    unchanged: int
    errors: list[UserImportErrorOut]
    letters: LoginLettersOut | None


class UserImportReportOut(Schema):
    ok: bool
    total: int
    created: int
    updated: int
    unchanged: int
    errors: list[UserImportErrorOut]


class UserImportRejectedOut(Schema):
    """The usual error body, with the report listing every bad row."""

    error: ErrorDetail
    report: UserImportReportOut


@router.post(
    "/import",
    response={200: UserImportOut, 400: UserImportRejectedOut | ErrorOut, **ERROR_RESPONSES_BUT_400},
)
def user_import_endpoint(
    request: ApiRequest, response: HttpResponse, file: File[UploadedFile]
) -> Any:
    """Import the park's accounts from an xlsx or csv file (the command post). All rows are
    written, or none: then 400 with the error body and a ``report`` listing every bad row. The
    answer holds the login letters of the created accounts (their initial passwords) and is
    marked ``Cache-Control: no-store``."""
    response["Cache-Control"] = "no-store"
    result = users_import(actor=request.auth, upload=file)
    if not result.ok:
        message = _("Nothing was imported: %(bad)s of %(total)s rows have problems.") % {
            "bad": result.bad_rows,
            "total": result.total,
        }
        return Status(
            400,
            {
                "error": {"code": "import_rejected", "message": message, "fields": {}},
                "report": result.as_dict(),
            },
        )
    body = result.as_dict()
    body["letters"] = None
    if result.new_accounts:
        letters = login_letters_docx(result.new_accounts, site_url=site_url(request))
        body["letters"] = {
            "filename": "login-letters.docx",
            "content_type": DOCX,
            "base64": b64encode(letters).decode(),
            "accounts": len(result.new_accounts),
        }
    return body
