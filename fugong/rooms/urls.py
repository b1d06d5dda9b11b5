from django.urls import path

from . import views

app_name = "rooms"

urlpatterns = [
    path("", views.room_list_view, name="list"),
    path("<int:room_id>/", views.room_detail_view, name="detail"),
    path("<int:room_id>/place/", views.place_view, name="place"),
    path("placements/<int:placement_id>/release/", views.release_view, name="release"),
]
