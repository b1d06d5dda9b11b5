"""The JSON API, version 1: ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status

from fugong.accounts.authentication import BearerTokenAuth
from fugong.core import health as health_checks
from fugong.core.api import ActiveSessionAuth, install_error_handlers

api = NinjaAPI(
    title="Fugong API",
    version="1",
    description=(
        "Resumption of work in an industrial park. Authenticate with the browser session "
        "(and its CSRF token on writes) or an API token sent as `Authorization: Bearer fg_…`."
    ),
    urls_namespace="api-v1",
    auth=[BearerTokenAuth(), ActiveSessionAuth()],
    docs_url="/docs",
)
install_error_handlers(api)


class DatabaseHealthOut(Schema):
    status: Literal["ok", "unavailable"]
    vendor: str
    latency_ms: float | None


class JobsHealthOut(Schema):
    status: Literal["ok", "degraded", "unknown"]
    queued: int | None
    running: int | None
    oldest_queued_seconds: float | None
    last_finished_at: datetime | None


class HealthOut(Schema):
    status: Literal["ok", "degraded", "unavailable"]
    database: DatabaseHealthOut
    jobs: JobsHealthOut


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["system"])
def health(request: HttpRequest) -> Status:
    """Readiness: 200 when the database answers (``ok``, or ``degraded`` when the job queue
    looks stuck or cannot be read), 503 ``unavailable`` when the database does not answer.
    Open to everyone and without personal data (for nginx, a load balancer, the monitoring).
    The benchmarks' floor: one ``SELECT 1`` and the queue's counts."""
    result = health_checks.readiness()
    return Status(503 if result["status"] == "unavailable" else 200, result)


from fugong.accounts.api import router as accounts_router  # noqa: E402
from fugong.bulletins.api import router as bulletins_router  # noqa: E402
from fugong.cases.api import router as cases_router  # noqa: E402
from fugong.cases.api_contacts import router as contacts_router  # noqa: E402
from fugong.cases.api_containment import router as containment_router  # noqa: E402
from fugong.cases.api_followups import router as followups_router  # noqa: E402
from fugong.duty.api import router as duty_router  # noqa: E402
from fugong.enterprises.api import router as user_import_router  # noqa: E402
from fugong.gate.api import router as gate_router  # noqa: E402
from fugong.guide.api import router as guide_router  # noqa: E402
from fugong.inspections.api import router as inspections_router  # noqa: E402
from fugong.jobs.api import router as jobs_router  # noqa: E402
from fugong.overview.api import router as enterprises_router  # noqa: E402
from fugong.reports.api import router as reports_router  # noqa: E402
from fugong.resumption.api import router as resumption_router  # noqa: E402
from fugong.rooms.api import router as rooms_router  # noqa: E402
from fugong.supplies.api import router as supplies_router  # noqa: E402
from fugong.training.api import router as training_router  # noqa: E402
from fugong.workforce.api import router as workforce_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/users", user_import_router)
api.add_router("/guide", guide_router)
api.add_router("/applications", resumption_router)
api.add_router("/", workforce_router)
api.add_router("/", gate_router)
api.add_router("/", reports_router)
api.add_router("/", inspections_router)
api.add_router("/", bulletins_router)
api.add_router("/", training_router)
api.add_router("/", duty_router)
api.add_router("/", jobs_router)
api.add_router("/", cases_router)
api.add_router("/", contacts_router)
api.add_router("/", containment_router)
api.add_router("/", followups_router)
api.add_router("/", supplies_router)
api.add_router("/", rooms_router)
