from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "snshelper.pages"
    label = "pages"
    verbose_name = "Pages"
