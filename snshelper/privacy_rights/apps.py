from django.apps import AppConfig


class PrivacyRightsConfig(AppConfig):
    """The features of the privacy policy that members and the officer use: requests, the "view"
    export, withdrawal, breach notices, policy versions and the officer's desk. Their tables are
    the privacy kernel's (``snshelper.privacy.models``); this app has none of its own."""

    name = "snshelper.privacy_rights"
    label = "privacy_rights"
    verbose_name = "Privacy rights"

    def ready(self):
        # Signal receivers: Django's documented place to connect them is ready().
        from snshelper.privacy_rights import receivers  # noqa: F401
        from snshelper.privacy_rights.policy import checks  # noqa: F401  (the policy is what runs)
        from snshelper.privacy_rights.withdrawal import receivers as withdrawal_receivers  # noqa: F401
