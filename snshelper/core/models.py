"""The core's one table: rate-limit counters when Redis is not configured (``core.ratelimit``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """One fixed window of one limit: how many requests it counted, and when it ends.

    ``bucket`` is a keyed hash of the limit's scope, the identifier (an address, a key's id) and
    the window's start, so no address is stored in clear; rows are deleted once their window ends.
    """

    bucket = models.CharField(
        _("counter (keyed hash of the address or key)"), max_length=120, primary_key=True
    )
    count = models.PositiveIntegerField(_("requests counted"), default=0)
    ends_at = models.BigIntegerField(_("window ends"), db_index=True)  # epoch seconds

    class Meta:
        verbose_name = _("request counter")
        verbose_name_plural = _("request counters")

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
