"""Helpers for pages that htmx updates in part."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_fragment(
    request: HttpRequest,
    page_template: str,
    fragment_template: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The fragment for an htmx request that targets it, the whole page otherwise."""
    htmx = getattr(request, "htmx", None)
    template = fragment_template if htmx and not htmx.boosted else page_template
    response = render(request, template, context, status=status)
    # The same URL returns a page or a fragment: caches must keep them apart.
    response.headers["Vary"] = "HX-Request"
    return response
