"""The containment pages of a case, in the "cases" namespace (fugong.cases.urls)."""

from django.urls import URLPattern, path

from . import views_containment as views

urlpatterns: list[URLPattern] = [
    path("<int:case_id>/containment/", views.containment_page_view, name="containment_page"),
    path(
        "<int:case_id>/containment/close/",
        views.containment_close_view,
        name="containment_close",
    ),
    path(
        "containment/<int:closure_id>/reopen/",
        views.containment_reopen_view,
        name="containment_reopen",
    ),
]
