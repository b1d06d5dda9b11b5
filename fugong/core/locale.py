"""Language selection: Simplified Chinese unless the user chose English in the page header.

Pages ignore the browser's Accept-Language on purpose: the park works in Chinese, and a
borrowed laptop set to English should not change that. API clients may still ask for a
language with Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in self.supported:
            code = ""
            if request.path.startswith("/api/") and request.headers.get("Accept-Language"):
                code = translation.get_language_from_request(request)
        code = code or settings.LANGUAGE_CODE
        # Restored afterwards, so that a thread serving many requests carries no language over.
        with translation.override(code):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
