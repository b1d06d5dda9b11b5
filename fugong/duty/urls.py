from django.urls import path

from . import views

app_name = "duty"

urlpatterns = [
    path("", views.roster_view, name="roster"),
    path("roster.xlsx", views.roster_xlsx_view, name="roster_xlsx"),
    path("shifts/<int:shift_id>/", views.shift_view, name="shift"),
    path("shifts/<int:shift_id>/log/", views.log_add_view, name="log_add"),
    path("shifts/<int:shift_id>/handover/", views.handover_view, name="handover"),
    path("shifts/<int:shift_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("shifts/<int:shift_id>/delete/", views.shift_delete_view, name="delete"),
]
