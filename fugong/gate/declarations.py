"""What the kiosk shows of a worker's daily health declaration (健康打卡), without the gate
knowing about declarations.

The declarations live in fugong.cases, a layer above the gate, so the gate never imports them:
cases registers a provider here when Django starts (``CasesConfig.ready``), and the gate's person
card (``selectors.gate_identify``, ``selectors.person_card``) asks it for the worker's status
today. The status is informational: it never adds a reason to deny. Without a provider (cases not
installed) there is no status. The offline snapshot carries none: a declaration made after the
snapshot was taken would be missing from it anyway, and the kiosk offline shows nothing rather
than something stale.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, TypedDict

from fugong.workforce.models import Worker


class DeclarationStatus(TypedDict):
    """``state``: "missing" (under observation, no declaration for a period that is due) or
    "abnormal" (a fever or a symptom declared today); ``message``: the translated sentence."""

    state: str
    message: str


class DeclarationProvider(Protocol):
    def __call__(self, worker: Worker, day: date) -> DeclarationStatus | None: ...


_provider: DeclarationProvider | None = None


def register(provider: DeclarationProvider | None) -> None:
    """Set the function that tells a worker's declaration status (done once, by
    CasesConfig.ready; ``None`` removes it)."""
    global _provider
    _provider = provider


def declaration_status(worker: Worker, day: date) -> DeclarationStatus | None:
    """The worker's declaration status on ``day``, or None when there is nothing to show."""
    if _provider is None:
        return None
    return _provider(worker, day)
