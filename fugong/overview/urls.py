from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
]

# Under /enterprises/, in the "enterprises" namespace with the enterprises app's own pages
# (fugong/urls.py joins the two lists).
enterprise_urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("<int:enterprise_id>/", views.enterprise_detail_view, name="detail"),
]

# Under /audit/, in the "audit" namespace (the trail's page names what its rows concern).
audit_urlpatterns = [
    path("", views.audit_event_list_view, name="event_list"),
    path("export.xlsx", views.audit_event_export_view, name="export"),
]
