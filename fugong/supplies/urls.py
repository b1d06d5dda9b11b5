from django.urls import path

from . import views

app_name = "supplies"

urlpatterns = [
    path("", views.supplies_home_view, name="home"),
    path("reserve/", views.reserve_view, name="reserve"),
    path("items/", views.item_list_view, name="items"),
    path("items/<int:item_id>/", views.item_list_view, name="item_edit"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_supplies_view, name="enterprise"),
    path(
        "enterprises/<int:enterprise_id>/requests/",
        views.request_create_view,
        name="request_create",
    ),
    path(
        "enterprises/<int:enterprise_id>/open/",
        views.open_from_application_view,
        name="open_from_application",
    ),
    path("enterprises/<int:enterprise_id>/import/", views.count_import_view, name="import"),
    path("import-template/", views.count_template_view, name="import_template"),
    path("requests/", views.request_list_view, name="requests"),
    path("requests/<int:request_id>/allocate/", views.allocate_view, name="allocate"),
    path("requests/<int:request_id>/decline/", views.decline_view, name="decline"),
    path("low-on-masks/", views.low_on_masks_view, name="low_on_masks"),
]
