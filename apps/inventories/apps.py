from django.apps import AppConfig


class InventoriesConfig(AppConfig):
    name = "apps.inventories"
    label = "inventories"
