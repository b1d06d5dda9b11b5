from django.urls import path

from . import views

app_name = "handover"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("generate/", views.generate_view, name="generate"),
    path("<int:list_id>/", views.detail_view, name="detail"),
    path("<int:list_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("<int:list_id>/export.xlsx", views.export_view, name="export"),
]
