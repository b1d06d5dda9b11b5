"""Turn a business error that escaped a page view into a page with the message and its status."""

from __future__ import annotations

from collections.abc import Callable

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
