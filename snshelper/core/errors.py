"""The base of every domain error: it carries a message the person can read, in their language.

Pages show ``error.message``; API v2 answers it as ``{"error": ...}`` (in English).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    message = _("Incorrect request")

    def __init__(self, message=None):
        self.message = message or self.message
        super().__init__(self.message)
