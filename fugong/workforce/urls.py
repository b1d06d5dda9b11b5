from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.worker_list_view, name="list"),
    path("new/", views.worker_create_view, name="create"),
    path("import/", views.roster_import_view, name="import"),
    path("import/template.xlsx", views.roster_template_view, name="import_template"),
    path("badges/", views.badge_sheet_view, name="badges"),
    path("badges/issue/", views.passes_issue_missing_view, name="passes_issue_missing"),
    path("<int:worker_id>/", views.worker_detail_view, name="detail"),
    path("<int:worker_id>/edit/", views.worker_edit_view, name="edit"),
    path("<int:worker_id>/leave/", views.worker_leave_view, name="leave"),
    path("<int:worker_id>/move/", views.worker_move_view, name="move"),
    path("<int:worker_id>/reveal/<str:field>/", views.worker_reveal_view, name="reveal"),
    path("<int:worker_id>/pass/", views.pass_issue_view, name="pass_issue"),
    path("<int:worker_id>/pass/<int:pass_id>/revoke/", views.pass_revoke_view, name="pass_revoke"),
]

pass_urlpatterns = [path("<str:token>/", views.pass_page_view, name="pass_page")]
