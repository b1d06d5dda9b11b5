"""The error pages: HTML for pages, the API's error body for every path under /api/ (a request
Django refuses before any endpoint runs — a body it cannot parse, say — still answers JSON)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from .errors import error_body


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_api(request):
        return _api_error(400, "bad_request", _("The request could not be read."))
    return render(request, "core/http_error.html", {"status": 400}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_api(request):
        return _api_error(403, "forbidden", _("Your role may not do this."))
    return render(request, "core/http_error.html", {"status": 403}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_api(request):
        return _api_error(404, "not_found", _("No such API endpoint."))
    return render(request, "core/http_error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _for_api(request):
        return _api_error(500, "server_error", _("Something went wrong on the server."))
    return render(request, "core/http_error.html", {"status": 500}, status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page's ``<link rel="icon">`` says: send them
    to the static file (its hashed name in production, hence looked up per request, not when the
    URLs load), rather than answer 404. Open to everyone, like the static files."""
    return HttpResponsePermanentRedirect(static("fugong/favicon.ico"))
