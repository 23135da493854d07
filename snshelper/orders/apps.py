from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "snshelper.orders"
    label = "orders"
    verbose_name = "Orders"
