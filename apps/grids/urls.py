from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [path("grids.geojson", views.grids_geojson, name="geojson")]
