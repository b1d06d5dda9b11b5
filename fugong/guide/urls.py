from django.urls import path

from . import views

app_name = "guide"

urlpatterns = [
    path("", views.version_list_view, name="version_list"),
    path("draft/", views.version_draft_view, name="version_draft"),
    path("<int:version_id>/", views.version_detail_view, name="version_detail"),
    path("<int:version_id>/edit/", views.version_edit_view, name="version_edit"),
    path("<int:version_id>/publish/", views.version_publish_view, name="version_publish"),
    path("<int:version_id>/items/new/", views.item_create_view, name="item_create"),
    path("items/<int:item_id>/edit/", views.item_edit_view, name="item_edit"),
    path("items/<int:item_id>/remove/", views.item_remove_view, name="item_remove"),
]
