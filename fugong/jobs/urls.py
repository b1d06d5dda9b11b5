from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list_view, name="list"),
    path("<uuid:job_id>/", views.job_detail_view, name="detail"),
    path("<uuid:job_id>/result", views.job_result_view, name="result"),
]
