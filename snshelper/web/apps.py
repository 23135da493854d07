from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "snshelper.web"
    label = "web"
    verbose_name = "Web"
