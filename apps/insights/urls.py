from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("data.json", views.dashboard_json, name="data"),
    path("map.json", views.map_json, name="map"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("report/", views.monthly_report, name="report"),
]
