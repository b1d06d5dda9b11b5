from django.urls import path

from . import views

app_name = "enterprises"

# The list and the enterprise's page are composed in fugong.overview (see fugong/urls.py).

urlpatterns = [
    path("new/", views.enterprise_create_view, name="create"),
    path("import/", views.enterprise_import_view, name="import"),
    path("import/template.xlsx", views.enterprise_import_template_view, name="import_template"),
    path("<int:enterprise_id>/edit/", views.enterprise_edit_view, name="edit"),
]

# The import of the park's accounts, shown under Users (in the accounts namespace: fugong/urls.py).
user_import_urlpatterns = [
    path("users/import/", views.user_import_view, name="user_import"),
    path(
        "users/import/template.xlsx", views.user_import_template_view, name="user_import_template"
    ),
]
