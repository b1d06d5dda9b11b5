"""Rate limits that hold across server processes: fixed windows counted in the database.

A limit is ``(requests, seconds)`` from a setting (``FUGONG_RATE_LIMITS``); ``rate_limit_hit``
counts one request of a key in the current window with one atomic statement,
``INSERT … ON CONFLICT DO UPDATE SET count = count + cost RETURNING count`` (the row is made on
the window's first request) and, over the limit, raises ``RateLimitedError`` (``429``) with the
seconds until the window ends, which the page middleware and the API's error handler send as
``Retry-After``. It is called before the request does anything, so a refused request writes
nothing but its count.

Why a table of our own and not Django's cache with ``DatabaseCache``: that backend's ``incr``
is a read followed by a write, so two processes counting at once can lose a request; and it
needs a ``createcachetable`` step outside migrations. The table comes with ``migrate``.
"""

from __future__ import annotations

import math
import time
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from .errors import RateLimitedError
from .models import RateCounter


def rate_limit(name: str) -> tuple[int, int]:
    """The limit ``name`` as (requests, seconds), from the setting ``FUGONG_RATE_LIMITS``."""
    requests, seconds = settings.FUGONG_RATE_LIMITS[name]
    return int(requests), int(seconds)


@cache
def _count_sql() -> str:
    quote = connection.ops.quote_name
    meta = RateCounter._meta
    table = quote(meta.db_table)
    # Concrete fields, whose column is never None (the stubs type it as optional).
    key, window, expires_at, count = (
        quote(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in ("key", "window", "expires_at", "count")
    )
    # Identifiers come from model metadata; values go through placeholders.
    return (
        f"INSERT INTO {table} ({key}, {window}, {expires_at}, {count}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({key}, {window}) "
        f"DO UPDATE SET {count} = {table}.{count} + excluded.{count} RETURNING {count}"
    )


def _count_add(key: str, window: int, expires_at: int, cost: int) -> int:
    """Add ``cost`` to the count of ``key`` in ``window`` and return the new count, creating
    the window's row on its first request: one statement (SQLite 3.35+, PostgreSQL), atomic on
    its own, instead of an update, maybe an insert, and a read in a transaction (a write lock
    and four statements per request, on the gate's hot path)."""
    with connection.cursor() as cursor:
        relaxed = connection.vendor == "sqlite" and not connection.in_atomic_block
        if relaxed:
            # A count is not worth a flush to disk of its own: with ``synchronous=FULL`` (the
            # settings' choice, for the records) every commit waits for one, and at the gate
            # that was one of the two per check. With NORMAL, in WAL mode, the commit stays
            # atomic and is made durable by the next FULL commit (the check's own): a power cut
            # can lose at most the last counts of a window, never a record.
            cursor.execute("PRAGMA synchronous")
            (previous,) = cursor.fetchone()
            cursor.execute("PRAGMA synchronous=NORMAL")
        try:
            cursor.execute(_count_sql(), [key, window, expires_at, cost])
            (count,) = cursor.fetchone()
        finally:
            if relaxed:
                cursor.execute(f"PRAGMA synchronous={int(previous)}")
    return int(count)


def rate_limit_hit(name: str, key: str, *, cost: int = 1, now: float | None = None) -> int:
    """Count ``cost`` requests of ``key`` against the limit ``name``; return the window's count,
    or raise ``RateLimitedError`` (code ``rate_limited``) when it goes over the limit."""
    limit, period = rate_limit(name)
    moment = time.time() if now is None else now
    window = int(moment // period) * period
    full_key = f"{name}:{key}"[:200]
    count = _count_add(full_key, window, window + period, cost)
    if count == cost:
        # The window's first request (its row was just made): forget the windows that have
        # ended (cheap, indexed).
        RateCounter.objects.filter(expires_at__lt=int(moment)).delete()
    if count > limit:
        retry_after = max(1, math.ceil(window + period - moment))
        raise RateLimitedError(
            _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": retry_after},
            retry_after=retry_after,
        )
    return count
