from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "snshelper.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        # Signal receivers: Django's documented place to connect them is ready().
        from snshelper.catalog import receivers  # noqa: F401
