from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the demo server (``manage.py load_demo``, ``manage.py serve``)."""

    name = "snshelper.demo"
    label = "demo"
    verbose_name = "Demo"
