from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The staff dashboard and the staff pages that read across apps (people, reveals)."""

    name = "snshelper.backoffice"
    label = "backoffice"
    verbose_name = "Back office"
