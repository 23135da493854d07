"""The core's one table: rate-limit counters when Redis is not configured (``core.ratelimit``)."""

from django.db import models


class RateCounter(models.Model):
    """One fixed window of one limit: how many requests it counted, and when it ends.

    ``bucket`` is a keyed hash of the limit's scope, the identifier (an address, a key's id) and
    the window's start, so no address is stored in clear; rows are deleted once their window ends.
    """

    bucket = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    ends_at = models.BigIntegerField(db_index=True)  # epoch seconds

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
