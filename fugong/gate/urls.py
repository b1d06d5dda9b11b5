from django.urls import path

from . import views

app_name = "gate"

urlpatterns = [
    path("", views.gate_list_view, name="list"),
    path("kiosk/", views.kiosk_view, name="kiosk"),
    path("sw.js", views.service_worker_view, name="service_worker"),
    path("manifest.webmanifest", views.manifest_view, name="manifest"),
    path("events/", views.event_list_view, name="events"),
    path("events/panel/", views.event_panel_view, name="event_panel"),
    path("events/<int:event_id>/", views.event_detail_view, name="event"),
    path("<int:gate_id>/", views.gate_detail_view, name="detail"),
    path("<int:gate_id>/edit/", views.gate_edit_view, name="edit"),
    path("<int:gate_id>/operators/", views.operator_assign_view, name="operator_assign"),
    path(
        "<int:gate_id>/operators/<int:user_id>/remove/",
        views.operator_remove_view,
        name="operator_remove",
    ),
    path("<int:gate_id>/devices/", views.device_create_view, name="device_create"),
    path(
        "<int:gate_id>/devices/<int:device_id>/revoke/",
        views.device_revoke_view,
        name="device_revoke",
    ),
]
