from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.rules_view, name="rules"),
    path("areas/", views.risk_area_add_view, name="area_add"),
    path("areas/<int:area_id>/", views.risk_area_edit_view, name="area_edit"),
    path("policies/", views.policy_add_view, name="policy_add"),
    path("rescreen/", views.rescreen_view, name="rescreen"),
    path("runs/", views.run_list_view, name="runs"),
    path("runs/<int:run_id>/", views.run_detail_view, name="run"),
]
