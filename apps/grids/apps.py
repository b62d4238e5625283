from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "apps.grids"
    label = "grids"
