from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "snshelper.providers"
    label = "providers"
    verbose_name = "Providers"
