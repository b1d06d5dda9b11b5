from django.urls import path

from . import views

app_name = "resumption"

urlpatterns = [
    path("", views.application_list_view, name="application_list"),
    path("new/", views.application_create_view, name="application_create"),
    path("<int:application_id>/", views.application_detail_view, name="application_detail"),
    path("<int:application_id>/edit/", views.application_edit_view, name="application_edit"),
    path("<int:application_id>/submit/", views.application_submit_view, name="application_submit"),
    path("<int:application_id>/verify/", views.application_verify_view, name="application_verify"),
    path(
        "<int:application_id>/approve/", views.application_approve_view, name="application_approve"
    ),
    path("<int:application_id>/return/", views.application_return_view, name="application_return"),
    path(
        "<int:application_id>/attachments/",
        views.attachment_upload_view,
        name="attachment_upload",
    ),
    path(
        "<int:application_id>/attachments/<int:attachment_id>/",
        views.attachment_download_view,
        name="attachment_download",
    ),
    path(
        "<int:application_id>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove_view,
        name="attachment_remove",
    ),
    path("enterprise/<int:enterprise_id>/suspend/", views.enterprise_suspend_view, name="suspend"),
    path(
        "enterprise/<int:enterprise_id>/reinstate/",
        views.enterprise_reinstate_view,
        name="reinstate",
    ),
]
