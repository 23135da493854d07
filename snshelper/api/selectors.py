"""Reads for API keys."""

from snshelper.api.models import ApiKey


def keys_of(member) -> list[ApiKey]:
    """The member's keys, live first, newest first."""
    return sorted(ApiKey.objects.filter(member=member), key=lambda k: (k.revoked_at is not None,))
