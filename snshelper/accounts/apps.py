from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "snshelper.accounts"
    label = "accounts"
    verbose_name = _("Members")

    def ready(self):
        from snshelper.accounts import receivers  # noqa: F401  (sign-in signals)
