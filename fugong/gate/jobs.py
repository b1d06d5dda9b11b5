"""The gate's upkeep in the job worker: the monthly partitions of the gate checks and of the
attendance rows made ahead on PostgreSQL (this month's and the next ``MONTHS_AHEAD``), at the
worker's start and then every ``PARTITIONS_EVERY_SECONDS``; nothing on SQLite."""

from __future__ import annotations

from fugong.jobs.registry import register_upkeep

from .partitions import partitions_ensure

# A few times a day: a month's partition exists two months before it is needed, so a worker
# stopped for a while still finds them made.
PARTITIONS_EVERY_SECONDS = 6 * 3600

register_upkeep("gate.partitions", run=partitions_ensure, every_seconds=PARTITIONS_EVERY_SECONDS)
