"""Request types for views only signed-in users reach (types for mypy: nothing here runs).

``login_required`` lets a view run only for a signed-in user, and an API operation behind
``fugong.api``'s authentication runs only with its caller in ``request.auth``; Django's and
django-ninja's types cannot know that. A view declares ``request: AuthenticatedRequest`` (an API
operation ``request: ApiRequest``) and reads ``request.user`` (``request.auth``) as a ``User``.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthenticatedRequest(HttpRequest):
    """A request that ``login_required`` let through: its user is signed in; ``htmx`` is what
    django-htmx's middleware adds."""

    user: User
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request an authenticated API operation serves: ``auth`` is the caller (the session's
    user or an API token's), as ``fugong.api``'s authentication classes return it."""

    auth: User
    user: User
