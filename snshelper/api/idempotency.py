"""Idempotency keys of JSON API v1, as Stripe and the IETF draft (``Idempotency-Key`` header)
describe them (docs/decisions/0013-lenient-input-strict-output.md).

- The first request with a key claims it (one row, unique per member and key) with a fingerprint
  of its body, then places the order; the order is recorded on the claim.
- The same key with the same body: the first order, replayed (HTTP 200, ``Idempotent-Replayed:
  true``), charged once.
- The same key with another body: refused (422), nothing placed.
- The same key while the first request still runs: refused (409, retry later); never a second order.
- A first request that was refused (bad input, no funds) releases its key: it made nothing.
- A claim left by a process that died mid-request is taken over after ``STALE_CLAIM``.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from snshelper.api.errors import ApiError
from snshelper.api.models import IdempotentRequest
from snshelper.core import clock
from snshelper.orders import selectors as order_selectors

STALE_CLAIM = timedelta(minutes=2)  # far longer than placing an order takes


class KeyReusedWithAnotherBody(ApiError):
    message = _(
        "Incorrect request: this Idempotency-Key was already used with a different request body. "
        "Send the same body to get the first answer again, or a new key for a new order."
    )


class KeyInUse(ApiError):
    message = _(
        "A request with this Idempotency-Key is still being processed: retry in a few seconds "
        "to get its answer."
    )


@dataclass
class Claim:
    record: IdempotentRequest
    replay: object = None  # the first request's order, when this request is a retry of it


def fingerprint(body: dict) -> str:
    """A keyed SHA-256 of the request body, its keys sorted: the same order asked twice gives the
    same value; the body itself is never stored (it holds links and usernames)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(settings.SECRET_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def claim(*, member, key: str, body: dict) -> Claim:
    """Claim ``key`` for this request, or answer as the first request with it did.

    Raises ``KeyReusedWithAnotherBody`` or ``KeyInUse``; returns a ``Claim`` whose ``replay`` is
    the first order when there is one to replay."""
    digest = fingerprint(body)
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(member=member, key=key, fingerprint=digest)
    except IntegrityError:
        record = IdempotentRequest.objects.select_related("order").get(member=member, key=key)
        if not hmac.compare_digest(record.fingerprint, digest):
            raise KeyReusedWithAnotherBody from None
        if record.order is not None:
            return Claim(record, replay=record.order)
        earlier = _order_with_key(member, key)
        if earlier is not None:  # the first request placed it, then died before recording it
            record.order = earlier
            record.save(update_fields=["order"])
            return Claim(record, replay=earlier)
        taken_over = IdempotentRequest.objects.filter(
            pk=record.pk, order=None, created_at__lt=clock.now() - STALE_CLAIM
        ).update(created_at=clock.now())
        if not taken_over:
            raise KeyInUse from None
        return Claim(record)
    earlier = _order_with_key(member, key)  # placed with this key before claims were kept
    if earlier is not None:
        record.order = earlier
        record.save(update_fields=["order"])
        return Claim(record, replay=earlier)
    return Claim(record)


def _order_with_key(member, key: str):
    return order_selectors.orders_for(member).filter(idempotency_key=key).first()


def complete(claim: Claim, *, order) -> None:
    """The order the claiming request placed: later retries replay it."""
    IdempotentRequest.objects.filter(pk=claim.record.pk).update(order=order)


def release(claim: Claim) -> None:
    """The claiming request was refused and placed nothing: the key may be used again."""
    IdempotentRequest.objects.filter(pk=claim.record.pk, order=None).delete()
