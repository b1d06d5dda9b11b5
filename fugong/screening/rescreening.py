"""How a rule change asks for the workers to be screened again.

The rules (risk areas, the policy) live in this app; the workers they apply to live in
fugong.workforce, a layer above, which reads them and writes their clearance. So screening never
imports workforce: workforce registers its re-screening function here when Django starts
(``WorkforceConfig.ready``), and the rule services call ``rescreen_workers``. This is the one
place where a lower app calls up, and it is a single, typed function (with its companion that
counts the workers a re-screening would examine, to decide whether it runs in the background).
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from fugong.accounts.models import User
from fugong.jobs.progress import Progress

from .models import ScreeningRun


class Rescreener(Protocol):
    def __call__(
        self,
        *,
        division_prefix: str | None,
        trigger: str,
        actor: User | None = None,
        description: str = "",
        progress: Progress | None = None,
    ) -> ScreeningRun: ...


class Counter(Protocol):
    def __call__(self, *, division_prefix: str | None) -> int: ...


_rescreener: Rescreener | None = None
_counter: Counter | None = None


def register(rescreener: Rescreener, *, counter: Counter | None = None) -> None:
    """Set the function that re-screens workers, and the one that counts the workers it would
    examine (done once, by WorkforceConfig.ready)."""
    global _rescreener, _counter
    _rescreener = rescreener
    _counter = counter


def rescreen_workers(
    *,
    division_prefix: str | None,
    trigger: str,
    actor: User | None = None,
    description: str = "",
    progress: Progress | None = None,
) -> ScreeningRun:
    """Re-screen the workers concerned by a rule: those who were in divisions under
    ``division_prefix``, or everyone when it is ``None``. With ``progress`` (a background job)
    it works in batches, each committed, reporting workers done / total; without, in one
    transaction (the caller's)."""
    if _rescreener is None:
        raise ImproperlyConfigured("fugong.workforce is not installed: nobody re-screens workers.")
    return _rescreener(
        division_prefix=division_prefix,
        trigger=trigger,
        actor=actor,
        description=description,
        progress=progress,
    )


def rescreen_count(*, division_prefix: str | None) -> int:
    """How many workers ``rescreen_workers`` would examine (0 when nobody counts them)."""
    if _counter is None:
        return 0
    return _counter(division_prefix=division_prefix)
