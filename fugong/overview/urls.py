from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("", views.home, name="home"),
]

# Under /enterprises/, in the "enterprises" namespace with the enterprises app's own pages
# (fugong/urls.py joins the two lists).
enterprise_urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("<int:enterprise_id>/", views.enterprise_detail_view, name="detail"),
]
