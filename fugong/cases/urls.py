"""The outbreak-response pages under /cases/: cases (this module), their contacts, containment
and the daily follow-ups (each in its own module)."""

from django.urls import URLPattern

from .urls_contacts import urlpatterns as contact_urlpatterns
from .urls_containment import urlpatterns as containment_urlpatterns
from .urls_followups import urlpatterns as followup_urlpatterns

app_name = "cases"

case_urlpatterns: list[URLPattern] = []

urlpatterns = (
    case_urlpatterns + contact_urlpatterns + containment_urlpatterns + followup_urlpatterns
)
