from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.session_list_view, name="list"),
    path("trained/", views.trained_view, name="trained"),
    path("template/", views.import_template_view, name="import_template"),
    path("<int:session_id>/", views.session_detail_view, name="detail"),
    path("<int:session_id>/attendance/", views.attendance_tick_view, name="tick"),
    path(
        "<int:session_id>/attendance/<int:worker_id>/remove/",
        views.attendance_remove_view,
        name="remove",
    ),
    path("<int:session_id>/scan/", views.scan_view, name="scan"),
    path("<int:session_id>/import/", views.attendance_import_view, name="import"),
    path("<int:session_id>/materials/", views.material_upload_view, name="material_upload"),
    path(
        "<int:session_id>/materials/<int:material_id>/",
        views.material_download_view,
        name="material_download",
    ),
]
