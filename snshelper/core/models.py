"""The core's tables: rate-limit counters when Redis is not configured (``core.ratelimit``) and
the leases of periodic jobs (``core.leases``)."""

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


class TaskLease(models.Model):
    """A periodic job's lease (``core.leases``): who runs it, until when, and when it last finished.

    A lease lapses at ``expires_at`` unless its holder renews it, so a worker killed mid-run does
    not stop the job for good; ``last_success_at`` lets /healthz say when a job stopped finishing.
    """

    name = models.CharField(_("job"), max_length=60, primary_key=True)
    holder = models.CharField(_("run holding the lease"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("lease ends"))
    last_success_at = models.DateTimeField(_("last finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return self.name
