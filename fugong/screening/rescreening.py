"""How a rule change asks for the workers to be screened again.

The rules (risk areas, the policy) live in this app; the workers they apply to live in
fugong.workforce, a layer above, which reads them and writes their clearance. So screening never
imports workforce: workforce registers its re-screening function here when Django starts
(``WorkforceConfig.ready``), and the rule services call ``rescreen_workers``. This is the one
place where a lower app calls up, and it is a single, typed function.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from fugong.accounts.models import User

from .models import ScreeningRun


class Rescreener(Protocol):
    def __call__(
        self,
        *,
        division_prefix: str | None,
        trigger: str,
        actor: User | None = None,
        description: str = "",
    ) -> ScreeningRun: ...


_rescreener: Rescreener | None = None


def register(rescreener: Rescreener) -> None:
    """Set the function that re-screens workers (done once, by WorkforceConfig.ready)."""
    global _rescreener
    _rescreener = rescreener


def rescreen_workers(
    *, division_prefix: str | None, trigger: str, actor: User | None = None, description: str = ""
) -> ScreeningRun:
    """Re-screen the workers concerned by a rule: those who were in divisions under
    ``division_prefix``, or everyone when it is ``None``."""
    if _rescreener is None:
        raise ImproperlyConfigured("fugong.workforce is not installed: nobody re-screens workers.")
    return _rescreener(
        division_prefix=division_prefix, trigger=trigger, actor=actor, description=description
    )
