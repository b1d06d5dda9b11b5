"""The one business error type, and how it is turned into a JSON body or a page message.

Every service raises ``ApplicationError`` (or one of its subclasses, which only fix the HTTP
status and code). The API maps it to ``{"error": {"code", "message", "fields"}}``; pages show
``message`` and the field messages next to their inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class ErrorDetailBody(TypedDict):
    code: str
    message: str
    fields: dict[str, list[str]]
    # The request's id (X-Request-ID), for the user to quote to IT; None outside a request.
    request_id: str | None


class ErrorBody(TypedDict):
    """The body of every refused request: ``{"error": {"code", "message", "fields"}}``."""

    error: ErrorDetailBody


class ApplicationError(Exception):
    """A request the system refuses for a business reason. Never a 500."""

    status = 400
    code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(
        self,
        message: str | StrPromise | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str | StrPromise]] | None = None,
        status: int | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = {key: [str(item) for item in value] for key, value in (fields or {}).items()}
        super().__init__(self.message)

    def as_dict(self) -> ErrorBody:
        return error_body(self.code, self.message, self.fields)


def error_body(
    code: str, message: str | StrPromise, fields: dict[str, list[str]] | None = None
) -> ErrorBody:
    """The error body, with the id of the request being served."""
    from .requestlog import current_request_id

    return {
        "error": {
            "code": code,
            "message": str(message),
            "fields": fields or {},
            "request_id": current_request_id(),
        }
    }


class PermissionDeniedError(ApplicationError):
    """The caller's role may not take this action (HTTP 403)."""

    status = 403
    code = "forbidden"
    default_message = _("Your role may not do this.")


class NotFoundError(ApplicationError):
    """The object does not exist or lies outside the caller's scope (HTTP 404)."""

    status = 404
    code = "not_found"
    default_message = _("Not found, or not within your scope.")


class ConflictError(ApplicationError):
    """The object is not in a state that allows the action (HTTP 409)."""

    status = 409
    code = "conflict"


class PayloadTooLargeError(ApplicationError):
    """An upload over the size limit (HTTP 413)."""

    status = 413
    code = "too_large"


class RateLimitedError(ApplicationError):
    """Too many requests of one kind in a period (HTTP 429); ``retry_after`` is the number of
    seconds until one is allowed again, sent as the ``Retry-After`` header."""

    status = 429
    code = "rate_limited"

    def __init__(
        self,
        message: str | StrPromise | None = None,
        *,
        retry_after: int,
        code: str | None = None,
        fields: Mapping[str, Sequence[str | StrPromise]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, code=code, fields=fields, status=status)
        self.retry_after = max(1, int(retry_after))


def application_error_from_validation(error: ValidationError) -> ApplicationError:
    """Turn a model's ``full_clean`` failure into the business error, keeping field messages."""
    if hasattr(error, "error_dict"):
        fields = {
            ("__all__" if key == NON_FIELD_ERRORS else key): [str(m) for m in messages_of(value)]
            for key, value in error.error_dict.items()
        }
    else:
        fields = {"__all__": [str(m) for m in error.messages]}
    first = next((messages[0] for messages in fields.values() if messages), None)
    return ApplicationError(first or _("The data is not valid."), code="invalid", fields=fields)


def messages_of(errors: list[ValidationError]) -> list[str]:
    result: list[str] = []
    for item in errors:
        result.extend(item.messages)
    return result


def full_clean_or_raise(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run model validation and raise the business error instead of Django's."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise application_error_from_validation(error) from error
