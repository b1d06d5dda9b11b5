"""The contacts pages of a case, in the "cases" namespace (fugong.cases.urls)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
