from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "snshelper.maintenance"
    label = "maintenance"
    verbose_name = "Maintenance mode"
