"""The pieces every API router shares: authentication, the error body, pydantic messages."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import SessionAuth
from pydantic import BaseModel, ConfigDict, Field

from .errors import ApplicationError, RateLimitedError, error_body
from .types import Actor, AnyActor

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class InputSchema(BaseModel):
    """Request bodies refuse unknown fields: a misspelt field is an error, not a no-op.

    A plain pydantic model, not ninja's ``Schema``: that one wraps every validation in a Python
    validator (to read Django objects, which a request body never is), which made a batch of
    1,000 gate checks cost 130 ms to parse instead of 8 ms.
    """

    model_config = ConfigDict(extra="forbid")


@contextmanager
def fields_as_in_body(names: Mapping[str, str]) -> Iterator[None]:
    """Name a refused request's fields as the body names them: services speak of ``item`` or
    ``enterprises``, the API's bodies of ``item_id`` or ``enterprise_ids``."""
    try:
        yield
    except ApplicationError as error:
        error.fields = {names.get(key, key): value for key, value in error.fields.items()}
        raise


# The largest ``offset`` a list accepts: a larger one would overflow the database's 64-bit
# OFFSET (a 500 instead of an empty page); no list of the park comes near it.
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    """ninja's ``limit``/``offset`` pagination with a bounded offset: a 422 beyond it."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]
    request_id: str | None = Field(
        None, description="The request's id (X-Request-ID): quote it when reporting a problem."
    )


class ErrorOut(Schema):
    """Every refused request answers with this body and a 4xx status."""

    error: ErrorDetail


# 429: every signed-in request can be over a rate limit (per API token, per gate device).
ERROR_RESPONSES = dict.fromkeys((400, 401, 403, 404, 409, 413, 422, 429), ErrorOut)
ERROR_RESPONSES_BUT_400 = {
    status: schema for status, schema in ERROR_RESPONSES.items() if status != 400
}


class ActiveSessionAuth(SessionAuth):
    """The browser's session (with its CSRF token on writes), for active users only."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user: AnyActor | None = super().authenticate(request, key)
        if user is not None and user.is_active:
            return user
        return None


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: "str | StrPromise",
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


# Pydantic's messages are English only; these are the ones a client is likely to meet.
def _pydantic_message(error: Mapping[str, Any]) -> str:  # one of pydantic's error dicts
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("Enter a number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("string_type",):
        return _("Enter text.")
    if kind == "string_too_long":
        return _("At most %(count)s characters.") % {"count": context.get("max_length", "?")}
    if kind == "string_too_short":
        return _("At least %(count)s characters.") % {"count": context.get("min_length", "?")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt", "?"))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(limit)s.") % {
            "limit": context.get("le", context.get("lt", "?"))
        }
    if kind in ("enum", "literal_error"):
        return _("Choose one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("Send a JSON object.")
    if kind == "list_type":
        return _("Send a list.")
    if kind == "too_short":
        return _("Too few items (at least %(count)s).") % {"count": context.get("min_length", "?")}
    if kind == "too_long":
        return _("Too many items (at most %(count)s).") % {"count": context.get("max_length", "?")}
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "uuid_parsing" or kind == "uuid_type":
        return _("Enter a valid UUID.")
    return str(error.get("msg", _("Invalid value.")))


@csrf_exempt  # it changes nothing, and a JSON client must get JSON, not the CSRF page
def unknown_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    """Paths under /api/ that no endpoint serves answer in the API's error shape, not HTML."""
    from django.http import JsonResponse

    return JsonResponse(error_body("not_found", _("No such API endpoint.")), status=404)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        response = api.create_response(request, exc.as_dict(), status=exc.status)
        if isinstance(exc, RateLimitedError):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            location = [
                str(part)
                for part in error.get("loc", ())
                if part not in ("body", "payload", "query", "path", "form", "file")
            ]
            key = ".".join(location) or "__all__"
            fields.setdefault(key, []).append(_pydantic_message(error))
        # One problem is said in the message itself; several are listed per field.
        only = next(iter(fields.values())) if len(fields) == 1 else []
        message = (
            f"{next(iter(fields))}: {only[0]}"
            if len(only) == 1
            else _("Some fields are missing or have the wrong type.")
        )
        return error_response(api, request, 422, "invalid", message, fields)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            401,
            "unauthenticated",
            _("Sign in, or send a valid API token as “Authorization: Bearer …”."),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(
                api, request, 400, "malformed_json", _("The request body is not valid JSON.")
            )
        if exc.status_code == 403:
            return error_response(
                api,
                request,
                403,
                "csrf_failed",
                _("Refused: sign in again or send the CSRF token."),
            )
        return error_response(api, request, exc.status_code, "http_error", str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(
            api, request, 404, "not_found", _("Not found, or not within your scope.")
        )
