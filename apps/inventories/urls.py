from django.urls import path

from . import views

app_name = "inventories"

# Staff pages (login, scoped). The public pages are in public_urls.py.
urlpatterns = [
    path("", views.manage, name="manage"),
    path("new/", views.create, name="create"),
    path("template.csv", views.template_csv, name="template_csv"),
    path("template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/drafts/", views.new_draft, name="new_draft"),
    path("<int:pk>/import/", views.import_file, name="import"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("imports/<int:pk>/", views.job, name="job"),
    path("versions/<int:pk>/", views.version, name="version"),
    path("versions/<int:pk>/items/", views.item_save, name="item_save"),
    path("versions/<int:pk>/items/delete/", views.item_delete, name="item_delete"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
    path("versions/<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("versions/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
