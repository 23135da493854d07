from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "snshelper.providers"
    label = "providers"
    verbose_name = "Providers"

    def ready(self):
        # Signal receivers: Django's documented place to connect them is ready().
        from snshelper.providers import receivers  # noqa: F401
