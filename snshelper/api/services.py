"""Writes for API keys: make, rotate, revoke, and authenticate a request's key."""

import hashlib
import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from snshelper.api.errors import InvalidApiKey, InvalidKeyFields, ServiceUnavailable, TooManyRequests
from snshelper.api.models import ApiKey
from snshelper.core import clock, ratelimit

# Touch last_used_at at most once a minute per key: a busy reseller must not write on every call.
LAST_USED_PRECISION_SECONDS = 60
MAX_NETWORKS = 50  # allowed addresses or networks per key


@dataclass(frozen=True)
class NewSecret:
    key: ApiKey
    secret: str  # shown to the member once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str, str]:
    secret = secrets.token_hex(20)  # 40 hex characters: what every API v2 client accepts as a key
    return secret, secret[:6], _hash(secret)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(networks: Sequence[Network]) -> str:
    """The allowed networks as the key keeps them, one a line; raise InvalidKeyFields on too many."""
    kept = list(dict.fromkeys(str(network) for network in networks))
    if len(kept) > MAX_NETWORKS:
        raise InvalidKeyFields(_("At most %(count)d addresses or networks.") % {"count": MAX_NETWORKS})
    return "\n".join(kept)


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidKeyFields(_("Give the key a name of at most 100 characters."))
    return name


def create_key(*, member, name: str, networks: Sequence[Network] = ()) -> NewSecret:
    secret, prefix, digest = _new_secret()
    key = ApiKey.objects.create(
        member=member,
        name=_name(name),
        allowed_ips=_networks(networks),
        prefix=prefix,
        secret_hash=digest,
        created_at=clock.now(),
    )
    return NewSecret(key, secret)


def update_key(*, member, key_id: int, name: str, networks: Sequence[Network]) -> ApiKey:
    key = ApiKey.objects.get(pk=key_id, member=member, revoked_at=None)
    key.name, key.allowed_ips = _name(name), _networks(networks)
    key.save(update_fields=["name", "allowed_ips"])
    return key


@transaction.atomic
def rotate_key(*, member, key_id: int) -> NewSecret:
    """A new secret for the same key (name, IP list kept); the old secret stops working at once."""
    key = ApiKey.objects.select_for_update().get(pk=key_id, member=member, revoked_at=None)
    secret, key.prefix, key.secret_hash = _new_secret()
    key.rotated_at = clock.now()
    key.save(update_fields=["prefix", "secret_hash", "rotated_at"])
    return NewSecret(key, secret)


def revoke_key(*, member, key_id: int) -> ApiKey:
    key = ApiKey.objects.get(pk=key_id, member=member)
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
    return key


def _address(ip: str | None) -> str | None:
    """The address in its normal form; None for anything that is not one (a forged header)."""
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def _ip_allowed(key: ApiKey, ip: str | None) -> bool:
    if not key.allowed_ips:
        return True
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:203.0.113.7 is 203.0.113.7
    return any(address in ipaddress.ip_network(net) for net in key.allowed_ips.split())


def _failures(ip_ident: str) -> tuple[str, str, str]:
    """The address's failed-attempt counter, as ``ratelimit`` names it."""
    return ("api-key-fail", ip_ident, settings.API_KEY_FAILURE_RATE)


def check_address(*, ip: str | None) -> None:
    """Refuse an address locked out by failed key attempts before anything else is read (a body,
    an upload): one read, nothing counted. Redis down: let the request on to ``authenticate``."""
    verdict = ratelimit.exceeded(*_failures(_address(ip) or "unknown"))
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)


def authenticate(*, secret: str, ip: str | None) -> ApiKey:
    """The live key this secret belongs to, checked against its IP list and rate limits.

    Wrong, revoked and wrong-address keys all raise InvalidApiKey (one answer: no oracle).
    Failed attempts are counted per address, atomically: exactly API_KEY_FAILURE_RATE's count of
    them get that answer in a window, then the address gets 429 for the rest of it, even with a
    right key, so guessing keys is slowed to a crawl. Each case costs one limiter round trip.

    When the limiter's store (Redis) is down, a right key is served (its per-key limit lets it
    through, logged) and a wrong one is refused with ServiceUnavailable (503): no guess is
    answered while failures cannot be counted.
    """
    ip = _address(ip)
    failures = _failures(ip or "unknown")
    secret = (secret or "").strip()
    key = None
    if secret and len(secret) <= 200:
        key = (
            ApiKey.objects.select_related("member")
            .filter(secret_hash=_hash(secret), revoked_at=None, member__is_active=True)
            .first()
        )
    if key is None or not _ip_allowed(key, ip):
        verdict = ratelimit.hit(*failures, when_down=ratelimit.REFUSE)
        if verdict.unavailable:
            raise ServiceUnavailable(verdict.retry_after)
        if not verdict.allowed:
            raise TooManyRequests(verdict.retry_after)
        raise InvalidApiKey
    verdict = ratelimit.hit(
        "api-key", str(key.pk), settings.API_KEY_RATE, guard=failures, when_down=ratelimit.ALLOW
    )
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    now = clock.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=ip)
        key.last_used_at, key.last_used_ip = now, ip
    return key
