"""Rate limits that hold across server processes: fixed windows counted in the database.

A limit is ``(requests, seconds)`` from a setting (``FUGONG_RATE_LIMITS``); ``rate_limit_hit``
counts one request of a key in the current window with one atomic
``UPDATE … SET count = count + cost`` (the row is created on the window's first request) and,
over the limit, raises ``RateLimitedError`` (``429``) with the seconds until the window ends,
which the page middleware and the API's error handler send as ``Retry-After``. It is called
before the request does anything, so a refused request writes nothing but its count.

Why a table of our own and not Django's cache with ``DatabaseCache``: that backend's ``incr``
is a read followed by a write, so two processes counting at once can lose a request; and it
needs a ``createcachetable`` step outside migrations. The table comes with ``migrate``.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .errors import RateLimitedError
from .models import RateCounter


def rate_limit(name: str) -> tuple[int, int]:
    """The limit ``name`` as (requests, seconds), from the setting ``FUGONG_RATE_LIMITS``."""
    requests, seconds = settings.FUGONG_RATE_LIMITS[name]
    return int(requests), int(seconds)


def rate_limit_hit(name: str, key: str, *, cost: int = 1, now: float | None = None) -> int:
    """Count ``cost`` requests of ``key`` against the limit ``name``; return the window's count,
    or raise ``RateLimitedError`` (code ``rate_limited``) when it goes over the limit."""
    limit, period = rate_limit(name)
    moment = time.time() if now is None else now
    window = int(moment // period) * period
    full_key = f"{name}:{key}"[:200]
    with transaction.atomic():
        counted = RateCounter.objects.filter(key=full_key, window=window).update(
            count=F("count") + cost
        )
        if not counted:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=full_key, window=window, expires_at=window + period, count=cost
                    )
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(key=full_key, window=window).update(
                    count=F("count") + cost
                )
            # A new window: forget the windows that have ended (cheap, indexed).
            RateCounter.objects.filter(expires_at__lt=int(moment)).delete()
        count: int = (
            RateCounter.objects.filter(key=full_key, window=window)
            .values_list("count", flat=True)
            .get()
        )
    if count > limit:
        retry_after = max(1, math.ceil(window + period - moment))
        raise RateLimitedError(
            _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": retry_after},
            retry_after=retry_after,
        )
    return count
