from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "snshelper.notifications"
    label = "notifications"
    verbose_name = _("Notices")

    def ready(self):
        # Every app declares the notices it sends in its own `notices.py`.
        autodiscover_modules("notices")
        from snshelper.notifications import receivers  # noqa: F401  (LINE linked: LINE notices on)
