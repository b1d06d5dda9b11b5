"""Reads for the dashboard, the reports and their exports from a read replica.

When ``DATABASE_REPLICA_URL`` is set (``fugong.settings.base``), the ``replica`` database is a
PostgreSQL standby of the primary (streaming replication). Only reads that may lag behind by the
replication delay go there: code opts in with ``replica_reads()`` (a context manager) or the
``reads_from_replica`` view decorator, which the report pages, the daily report API and the report
jobs use. Everything else, and every write, uses the primary; so does any read inside a
transaction on the primary (it may need to see its own writes). Without a replica the router
answers "the primary" for everything, so the same code runs on SQLite and on one PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar("fugong_replica_reads", default=False)

Params = ParamSpec("Params")
Result = TypeVar("Result")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica when there is one (writes still go to the primary)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica(view: Callable[Params, Result]) -> Callable[Params, Result]:
    """A read-only view (rendering included: querysets are evaluated by the template) whose
    reads may go to the replica."""

    @wraps(view)
    def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Sends opted-in reads to the replica; every write, migration and other read to the
    primary. Rows read from either may be related to each other: they are the same database."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if (
            _reading_from_replica.get()
            and replica_configured()
            # A read inside a transaction on the primary may have to see that transaction's
            # own writes, which the replica has not got.
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # Explicitly the primary: a row read from the replica and saved again goes there too.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool | None:
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if first._state.db in databases and second._state.db in databases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
