"""The outbreak-response pages under /cases/: cases (this module), their contacts, containment
and the daily follow-ups (each in its own module)."""

from django.urls import URLPattern, path

from . import views
from .urls_contacts import urlpatterns as contact_urlpatterns
from .urls_containment import urlpatterns as containment_urlpatterns
from .urls_followups import urlpatterns as followup_urlpatterns

app_name = "cases"

case_urlpatterns: list[URLPattern] = [
    path("", views.case_list_view, name="list"),
    path("open/", views.case_open_view, name="open"),
    path("<int:case_id>/", views.case_detail_view, name="detail"),
    path("<int:case_id>/classify/", views.case_classify_view, name="classify"),
    path("<int:case_id>/edit/", views.case_edit_view, name="edit"),
    path("<int:case_id>/chain.json", views.case_chain_view, name="chain"),
    path("<int:case_id>/export.xlsx", views.case_export_view, name="export"),
]

urlpatterns = (
    case_urlpatterns + contact_urlpatterns + containment_urlpatterns + followup_urlpatterns
)
