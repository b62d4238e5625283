from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "apps.councils"
    label = "councils"
