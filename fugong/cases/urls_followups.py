"""The daily follow-up pages, in the "cases" namespace (fugong.cases.urls). The worker's own
phone page is outside it, at /passes/<token>/follow-up/ (fugong.urls)."""

from django.urls import URLPattern, path

from . import views_followups as views

urlpatterns: list[URLPattern] = [
    path("follow-ups/", views.follow_up_list_view, name="follow_up_list"),
    path("follow-ups/missing/", views.follow_up_missing_view, name="follow_up_missing"),
    path("follow-ups/new/", views.follow_up_record_view, name="follow_up_record"),
]
