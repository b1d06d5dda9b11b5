"""Turn a business error that escaped a page view into a page with the message and its status."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ApplicationError, RateLimitedError


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        template = (
            "core/error_fragment.html" if getattr(request, "htmx", False) else "core/error.html"
        )
        response = render(request, template, {"error": exception}, status=exception.status)
        if isinstance(exception, RateLimitedError):
            response["Retry-After"] = str(exception.retry_after)
        return response


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` from the setting ``FUGONG_PERMISSIONS_POLICY`` (feature →
    allowed origins; ``"self"`` for this site, an empty list for none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.FUGONG_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    def origins(allowed: list[str]) -> str:
        return " ".join(origin if origin == "self" else f'"{origin}"' for origin in allowed)

    return ", ".join(f"{feature}=({origins(allowed)})" for feature, allowed in policy.items())
