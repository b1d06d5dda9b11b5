from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("enterprises/", views.enterprise_table_view, name="enterprises"),
    path("records/<slug:figure>/", views.records_view, name="records"),
    path("daily/", views.daily_report_view, name="daily"),
    path("daily.xlsx", views.daily_report_xlsx_view, name="daily_xlsx"),
    path("declarations/", views.declaration_view, name="declarations"),
]
