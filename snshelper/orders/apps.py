from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "snshelper.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self):
        # Signal receivers: Django's documented place to connect them is ready().
        from snshelper.orders import receivers  # noqa: F401
