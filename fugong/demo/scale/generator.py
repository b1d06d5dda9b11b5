"""The scale generator: its options, the enterprises it keeps in memory while writing, the
run through the phases (one module per domain) and its report."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from django.db import connection

from fugong.enterprises.history import enterprise_history_differences
from fugong.resumption.periods import resumption_period_differences

from .enterprises import EnterprisePhases
from .gate import GatePhases
from .loading import postgres_replica_role, sqlite_pragmas
from .state import ScaleOptions, ScaleReport
from .workforce import WorkforcePhases


class ScaleGenerator(EnterprisePhases, WorkforcePhases, GatePhases):
    """Writes the data set, phase by phase, each in its own transaction."""

    # ----- the run -------------------------------------------------------------------------

    def run(self) -> ScaleReport:
        started = time.perf_counter()
        postgres = connection.vendor == "postgresql"
        with contextlib.ExitStack() as stack:
            if not connection.in_atomic_block:
                # Set-based loading of consistent rows: skip the per-row foreign-key checks.
                stack.enter_context(connection.constraint_checks_disabled())
                if connection.vendor == "sqlite":
                    stack.enter_context(sqlite_pragmas())
            if postgres:
                stack.enter_context(postgres_replica_role(self.log))
            self._phase("users", self.users)
            self._phase("enterprises", self.enterprises)
            self._phase("applications and audit trail", self.applications)
            self._phase("suspensions and declarations", self.suspensions_declarations)
            self._phase("workers and clearance history", self.workers)
            self._phase("gates", self.gates)
            self._phase("gate checks", self.gate_checks)
            self._phase("abnormal events", self.abnormal_events)
            if postgres:
                self._phase("client ids of the checks claimed", self.client_keys)
            self._phase("attendance rebuilt from the checks", self.attendance)
            self._phase("kept summary (history, resumption periods)", self.summary)
        self._phase("analyze", self.analyze, atomic=False)
        self.report.seconds["total"] = round(time.perf_counter() - started, 1)
        self.log(f"done in {self.report.seconds['total']:.1f} s")
        return self.report

    def summary(self) -> None:
        """The kept summary the services would have written, built from the loaded rows."""
        enterprise_history_differences(repair=True)
        resumption_period_differences(repair=True)

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE" if not connection.in_atomic_block else "ANALYZE")
            else:
                cursor.execute("PRAGMA analysis_limit=10000")
                cursor.execute("ANALYZE")


def generate(options: ScaleOptions, log: Callable[[str], None] = print) -> ScaleReport:
    """Write the data set (see the module's docstring) into an empty database."""
    return ScaleGenerator(options, log).run()
