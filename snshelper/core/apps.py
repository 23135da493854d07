from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "snshelper.core"
    label = "core"
    verbose_name = "Core"
