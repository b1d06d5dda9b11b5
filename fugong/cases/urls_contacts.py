"""The contacts pages of a case, in the "cases" namespace (fugong.cases.urls)."""

from django.urls import URLPattern, path

from . import views_contacts as views

urlpatterns: list[URLPattern] = [
    path("<int:case_id>/contacts/", views.contacts_section_view, name="contacts_section"),
    path("<int:case_id>/contacts/find/", views.contacts_find_view, name="contacts_find"),
    path("<int:case_id>/contacts/add/", views.contacts_add_view, name="contacts_add"),
    path(
        "contacts/<int:contact_id>/confirm/", views.contacts_confirm_view, name="contacts_confirm"
    ),
    path("contacts/<int:contact_id>/drop/", views.contacts_drop_view, name="contacts_drop"),
    path("contact-rules/", views.contacts_rules_view, name="contacts_rules"),
    path("contact-rules/add/", views.contacts_rules_add_view, name="contacts_rules_add"),
]
