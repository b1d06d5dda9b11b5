from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list_view, name="list"),
    path("<int:inspection_id>/", views.inspection_detail_view, name="detail"),
    path("<int:inspection_id>/checklist/", views.inspection_update_view, name="update"),
    path("<int:inspection_id>/findings/", views.finding_add_view, name="finding_add"),
    path("<int:inspection_id>/complete/", views.inspection_complete_view, name="complete"),
    path("findings/", views.finding_list_view, name="findings"),
    path("findings/<int:finding_id>/", views.finding_detail_view, name="finding"),
    path(
        "findings/<int:finding_id>/attachments/",
        views.attachment_upload_view,
        name="attachment_upload",
    ),
    path(
        "findings/<int:finding_id>/attachments/<int:attachment_id>/",
        views.attachment_download_view,
        name="attachment_download",
    ),
    path("findings/<int:finding_id>/rectify/", views.rectify_view, name="rectify"),
    path("findings/<int:finding_id>/review/", views.review_view, name="review"),
    path("findings/<int:finding_id>/suspend/", views.suspend_view, name="suspend"),
]
