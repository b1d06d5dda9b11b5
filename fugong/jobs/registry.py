"""The kinds of job the domain apps declare, and what a job's code receives and returns.

A domain app registers a kind in its ``jobs`` module (imported at start-up by ``JobsConfig``)::

    register_job_kind("workforce.roster_import", run=run_roster_import,
                      title=_("Roster import"), result_template="workforce/_import_report.html")

``run(context)`` does the work in the worker: it reads ``context.parameters`` and
``context.open_input()``, reports progress through ``context.stage()`` / ``context.advance()``
and returns a ``JobOutcome``. An ``ApplicationError`` it raises fails the job with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from .progress import JobContext


@dataclass(frozen=True)
class ResultFile:
    """A file the job produced (an export, a report): stored privately, downloaded by its
    owner until the job expires."""

    name: str  # what the browser saves it as
    content: bytes
    content_type: str


@dataclass
class JobOutcome:
    """What a job's code returns. ``result``: a JSON summary (an import's report). ``error``:
    the job ran to its end but achieved nothing (an import refused for bad rows): it is marked
    failed with this message and keeps ``result`` for the report."""

    result: dict[str, Any] | None = None
    file: ResultFile | None = None
    error: str | None = None
    error_code: str = "rejected"


@dataclass(frozen=True)
class JobKind:
    kind: str
    run: Callable[[JobContext], JobOutcome]
    title: str | StrPromise
    # Renders a finished job's ``result`` on its page (context: ``job``, ``report``).
    result_template: str | None = None
    # Whether a job interrupted by a dead worker may be run again (it must be all-or-nothing).
    retry: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, JobKind] = {}


def register_job_kind(
    kind: str,
    *,
    run: Callable[[JobContext], JobOutcome],
    title: str | StrPromise,
    result_template: str | None = None,
    retry: bool = True,
) -> JobKind:
    job_kind = JobKind(kind, run, title, result_template, retry)
    _KINDS[kind] = job_kind
    return job_kind


def job_kind(kind: str) -> JobKind | None:
    return _KINDS.get(kind)


# ----- upkeep the worker does by itself ----------------------------------------------------------


@dataclass(frozen=True)
class Upkeep:
    """Work the job worker does on its own, at start and then every ``every_seconds`` (the
    gate's monthly partitions made ahead). ``run`` takes no argument; an exception is logged
    and the worker goes on."""

    name: str
    run: Callable[[], Any]
    every_seconds: int


_UPKEEP: dict[str, Upkeep] = {}


def register_upkeep(name: str, *, run: Callable[[], Any], every_seconds: int) -> Upkeep:
    upkeep = Upkeep(name, run, every_seconds)
    _UPKEEP[name] = upkeep
    return upkeep


def upkeep_all() -> list[Upkeep]:
    return list(_UPKEEP.values())
