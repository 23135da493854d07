from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "snshelper.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        # Every app declares its personal-data fields in its own `privacy.py`.
        autodiscover_modules("privacy")
        from snshelper.privacy import (
            cookies,  # noqa: F401  (its sign-in receiver)
            receivers,  # noqa: F401  (the VACUUM after removals)
        )
