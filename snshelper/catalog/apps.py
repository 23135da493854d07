from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "snshelper.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
