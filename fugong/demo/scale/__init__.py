"""A city-sized data set for measuring the dashboard: ``manage.py generate_scale_data``.

Ten thousand enterprises, half a million workers and two weeks of gate checks (about seven
million rows) are written set-based with ``core.bulk.bulk_insert_rows`` (``executemany`` on
SQLite, ``COPY`` on PostgreSQL), never through the services: the services' rules are what the
rest of the test suite checks; here only the shape and the volume of the records matter. The
records are nevertheless consistent with one another, as the services would have left them:

- enterprises of every kind, about a third industrial (some above scale), with liaisons, their
  usual headcounts summing to about the number of workers, registered before the first day;
- one resumption application each: about half approved during the period (large enterprises
  and construction sites first), the others submitted, verified, returned or in draft, each
  step written to the audit trail at the time it happened (which the waiting figures read);
- a few dozen suspensions, some reinstated; headcount declarations of a few resumed
  enterprises without a gate;
- the workers, most cleared, a few percent under medical observation after a daily
  re-screening moved them in (and later out), with the clearance changes those runs recorded;
- one gate per resumed enterprise and, each day, the workers of the enterprises resumed that
  day passing it (morning, after lunch, some in the evening), the denials of workers under
  observation or not cleared, a few hundred abnormal events followed up to an outcome
  (a handful suspected or confirmed), and a few enterprises admitting workers without being
  allowed to (unapproved resumption);
- the kept attendance recomputed from the checks (``attendance_rebuild``), then ``ANALYZE``.

The last day is today. Everything is drawn from one seeded ``random.Random``.
"""

from .generator import ScaleGenerator, generate
from .state import ScaleOptions, ScaleReport

__all__ = ["ScaleGenerator", "ScaleOptions", "ScaleReport", "generate"]
