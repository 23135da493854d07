from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "snshelper.api"
    label = "api"
    verbose_name = "API"
