import logging

from django.apps import AppConfig
from django.conf import settings

from snshelper.core import checks  # noqa: F401 (registers the deploy check)


class CoreConfig(AppConfig):
    name = "snshelper.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        if settings.CLAMAV_DISABLED and not (settings.CLAMD_SOCKET or settings.CLAMD_HOST):
            logging.getLogger("snshelper.security").warning(
                "CLAMAV_DISABLED=1: uploads are not scanned for viruses by SNS Helper (only checked "
                "by type and size); the operator scans them elsewhere."
            )
