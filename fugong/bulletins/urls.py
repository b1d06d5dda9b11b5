from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("<int:bulletin_id>/", views.detail_view, name="detail"),
    path("<int:bulletin_id>/publish/", views.publish_view, name="publish"),
    path("<int:bulletin_id>/bulletin.docx", views.docx_view, name="docx"),
    path("notices/", views.notice_list_view, name="notices"),
    path("notices/<int:notice_id>/", views.notice_detail_view, name="notice"),
    path(
        "notices/<int:notice_id>/acknowledge/",
        views.notice_acknowledge_view,
        name="notice_acknowledge",
    ),
    path(
        "notices/<int:notice_id>/attachments/<int:attachment_id>",
        views.notice_attachment_view,
        name="notice_attachment",
    ),
]
