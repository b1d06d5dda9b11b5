"""URL routes: pages per app, the JSON API under /api/v1/, language switching."""

from django.urls import include, path, re_path

from .accounts.urls import urlpatterns as account_pages
from .api import api
from .cases.views_followups import follow_up_pass_view
from .core.api import unknown_endpoint
from .core.views import favicon
from .enterprises.urls import urlpatterns as enterprise_pages
from .enterprises.urls import user_import_urlpatterns as user_import_pages
from .overview.urls import audit_urlpatterns
from .overview.urls import enterprise_urlpatterns as enterprise_overview_pages
from .workforce.urls import pass_urlpatterns

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    # [\s\S]: a path with a line break in it is still an API path, and answers JSON.
    re_path(r"^api/(?P<path>[\s\S]*)$", unknown_endpoint),
    # The accounts' pages and, under Users, the import of accounts (which reads enterprises).
    path("accounts/", include((account_pages + user_import_pages, "accounts"))),
    # One namespace for the enterprise pages of two apps: the list and the enterprise's page
    # compose several domains (overview), registration, edits and import are the enterprises'.
    path("enterprises/", include((enterprise_overview_pages + enterprise_pages, "enterprises"))),
    path("applications/", include("fugong.resumption.urls")),
    path("guide/", include("fugong.guide.urls")),
    path("workers/", include("fugong.workforce.urls")),
    # The daily health declaration through a pass (no login): under /passes/, whose token the
    # access log masks.
    path("passes/<str:token>/follow-up/", follow_up_pass_view, name="follow_up_pass"),
    path("passes/", include(pass_urlpatterns)),
    path("screening/", include("fugong.screening.urls")),
    path("handover/", include("fugong.handover.urls")),
    path("gate/", include("fugong.gate.urls")),
    path("reports/", include("fugong.reports.urls")),
    path("inspections/", include("fugong.inspections.urls")),
    path("bulletins/", include("fugong.bulletins.urls")),
    path("training/", include("fugong.training.urls")),
    path("duty/", include("fugong.duty.urls")),
    path("audit/", include((audit_urlpatterns, "audit"))),
    path("retention/", include("fugong.retention.urls")),
    path("supplies/", include("fugong.supplies.urls")),
    path("rooms/", include("fugong.rooms.urls")),
    path("jobs/", include("fugong.jobs.urls")),
    path("cases/", include("fugong.cases.urls")),
    path("", include("fugong.overview.urls")),
]

handler400 = "fugong.core.views.bad_request"
handler403 = "fugong.core.views.permission_denied"
handler404 = "fugong.core.views.page_not_found"
handler500 = "fugong.core.views.server_error"
