from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "snshelper.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self):
        from snshelper.accounts import receivers  # noqa: F401  (sign-in signals)
