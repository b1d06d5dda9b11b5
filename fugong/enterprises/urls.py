from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("new/", views.enterprise_create_view, name="create"),
    path("import/", views.enterprise_import_view, name="import"),
    path("import/template.xlsx", views.enterprise_import_template_view, name="import_template"),
    path("<int:enterprise_id>/", views.enterprise_detail_view, name="detail"),
    path("<int:enterprise_id>/edit/", views.enterprise_edit_view, name="edit"),
]
