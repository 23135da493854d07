"""Subscription orders (API v2 type "Subscriptions"): writes and reads.

A member subscribes an account; for each post it publishes (up to ``posts`` new ones, or
``old_posts`` existing ones) a child order of ``min`` to ``max`` units is delivered ``delay``
minutes later, until ``expiry``. We do not watch accounts: marketing staff record each post on
the subscription, which places the child order and charges it then, through the ledger, like
any order. A balance too short for a post pauses the subscription with the reason shown to the
member.

The subscription is anchored on an ``Order`` (charge 0, link = the username) so that API v2 has
one id space; the anchor moves Pending → In progress while the subscription is open, and to
Completed or Canceled when it ends (through ``services.transition``).
"""

import secrets
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from snshelper.catalog import pricing
from snshelper.catalog.models import Service
from snshelper.core import clock
from snshelper.orders import errors
from snshelper.orders.models import (
    OPEN_SUBSCRIPTION,
    SUBSCRIPTION_TRANSITIONS,
    Actor,
    Order,
    OrderTransition,
    Status,
    Subscription,
    SubscriptionPost,
    SubscriptionStatus,
    SubscriptionTransition,
)
from snshelper.orders.services import transition
from snshelper.wallet import errors as wallet_errors
from snshelper.wallet import ledger, memos
from snshelper.wallet import services as wallet

MAX_DELAY_MINUTES = 600  # the longest delay panels offer (10 hours)
MAX_POSTS = 10_000  # posts or old_posts of one subscription

# Reasons are stored in English and translated when shown (``{% translate subscription.reason %}``),
# so each member reads them in their language of the moment; a reason staff type shows as typed.
PAUSED_BY_MEMBER = gettext_noop("Paused by you.")
CANCELED_BY_MEMBER = gettext_noop("Canceled by you.")
SHORT_OF_FUNDS = gettext_noop(
    "Not enough funds on balance for the next post. Top up, then resume the subscription."
)
EXPIRED = gettext_noop("The expiry date has passed.")
ALL_POSTS_DONE = gettext_noop("Every post of the subscription has its order.")

# The anchor order follows the subscription when it ends.
ANCHOR_STATUS = {
    SubscriptionStatus.COMPLETED: Status.COMPLETED,
    SubscriptionStatus.EXPIRED: Status.COMPLETED,
    SubscriptionStatus.CANCELED: Status.CANCELED,
}


def _today() -> date:
    """Today where the business is (expiry dates are Bangkok dates, not UTC ones)."""
    return timezone.localdate(clock.now(), timezone=ZoneInfo(settings.TIME_ZONE))


def _per_post_range(service: Service, low: int | None, high: int | None) -> tuple[int, int]:
    if low is None:
        raise errors.missing("min")
    if high is None:
        raise errors.missing("max")
    if low < service.min_quantity:
        raise errors.QuantityTooSmall
    if high > service.max_quantity:
        raise errors.QuantityTooLarge
    if low > high:
        raise errors.InvalidOrderFields(_("Incorrect request: min is more than max"))
    if low % service.step or high % service.step:
        raise errors.QuantityNotInSteps
    return low, high


# --- Placing ---------------------------------------------------------------------------------


def place_subscription(
    *,
    member,
    service: Service,
    username: str,
    min_quantity: int | None,
    max_quantity: int | None,
    posts: int | None = None,
    old_posts: int | None = None,
    delay: int | None = 0,
    expiry: date | None = None,
    idempotency_key: str = "",
) -> Subscription:
    """Validate and open a subscription (nothing is charged until a post is recorded).

    ``min_quantity`` and ``max_quantity`` are API v2's ``min`` and ``max``: each post's order is
    between the two. ``posts`` new and ``old_posts`` existing posts get an order (0 or None:
    none); ``delay`` minutes after each post; no post after ``expiry`` (a Bangkok date, strictly
    after today). With an idempotency key, a retried request returns the first subscription.
    """
    if not service.orderable or service.type != Service.Type.SUBSCRIPTIONS:
        raise errors.IncorrectService
    if service.fulfilment != Service.Fulfilment.MANUAL:  # only our staff record posts so far
        raise errors.IncorrectService(_("Subscriptions are not available for this service."))
    username = username.strip()
    if not username:
        raise errors.missing("username")
    if len(username) > 500 or not service.platform.accepts(username):
        raise errors.IncorrectLink(_("Incorrect username"))
    low, high = _per_post_range(service, min_quantity, max_quantity)
    new_posts, existing_posts = posts or None, old_posts or None
    if new_posts is None and existing_posts is None:
        raise errors.missing("posts")
    for field, count in (("posts", new_posts), ("old_posts", existing_posts)):
        if count is not None and count > MAX_POSTS:
            too_many = _("Incorrect request: %(field)s is at most %(count)d")
            raise errors.InvalidOrderFields(
                errors.interpolate(too_many, {"field": field, "count": MAX_POSTS})
            )
    delay = delay or 0
    if delay > MAX_DELAY_MINUTES:
        raise errors.InvalidOrderFields(
            errors.interpolate(
                _("Incorrect request: delay is at most %(minutes)d minutes"), {"minutes": MAX_DELAY_MINUTES}
            )
        )
    if expiry is not None and expiry <= _today():
        raise errors.InvalidOrderFields(_("Incorrect expiry: the date must be in the future"))

    with transaction.atomic():
        ledger.lock_wallet(member)  # serialises this member's orders: the checks below hold
        if idempotency_key:
            earlier = Order.objects.filter(member=member, idempotency_key=idempotency_key).first()
            if earlier is not None:
                try:
                    return earlier.subscription
                except Subscription.DoesNotExist:
                    raise errors.InvalidOrderFields(
                        _("This request was already used for a different order.")
                    ) from None
        if (
            service.one_active_order_per_link
            and Subscription.objects.filter(
                order__member=member, order__service=service, username=username, status__in=OPEN_SUBSCRIPTION
            ).exists()
        ):
            raise errors.ActiveOrderForLink
        now = clock.now()
        anchor = Order.objects.create(
            member=member,
            service=service,
            link=username,
            quantity=0,
            rate=service.rate,
            charge=0,
            idempotency_key=idempotency_key,
            created_at=now,
            updated_at=now,
        )
        OrderTransition.objects.create(order=anchor, from_status="", to_status=Status.PENDING, at=now)
        subscription = Subscription.objects.create(
            order=anchor,
            username=username,
            min=low,
            max=high,
            posts=new_posts,
            old_posts=existing_posts,
            delay=delay,
            expiry=expiry,
            updated_at=now,
        )
        SubscriptionTransition.objects.create(
            subscription=subscription, to_status=SubscriptionStatus.ACTIVE, by=member, at=now
        )
        subscription.order = transition(
            order=anchor, to=Status.IN_PROGRESS, actor=Actor.SYSTEM, reason="Subscription active"
        )
    return subscription


# --- Posts and child orders ------------------------------------------------------------------


def _locked(subscription: Subscription, **owner) -> Subscription:
    found = (
        Subscription.objects.select_for_update()
        .select_related("order__service__category__platform", "order__member")
        .filter(pk=subscription.pk, **owner)
        .first()
    )
    if found is None:
        raise errors.OrderError(_("Incorrect order ID"))
    return found


def _move(subscription: Subscription, to: str, *, by=None, reason: str = "") -> Subscription:
    """The one place a subscription changes status: checked, recorded, the anchor following."""
    if to not in SUBSCRIPTION_TRANSITIONS[subscription.status]:
        raise errors.TransitionNotAllowed(_("This subscription cannot move to that status."))
    now = clock.now()
    SubscriptionTransition.objects.create(
        subscription=subscription,
        from_status=subscription.status,
        to_status=to,
        by=by,
        reason=reason[:300],
        at=now,
    )
    subscription.status, subscription.reason, subscription.updated_at = to, reason[:300], now
    subscription.save(update_fields=["status", "reason", "updated_at"])
    if to in ANCHOR_STATUS:
        subscription.order = transition(
            order=subscription.order,
            to=ANCHOR_STATUS[to],
            actor=Actor.SYSTEM,
            by=by,
            reason=f"Subscription {to}",
        )
    return subscription


def _past_expiry(subscription: Subscription) -> bool:
    return subscription.expiry is not None and subscription.expiry < _today()


def _child_quantity(subscription: Subscription, quantity: int | None) -> int:
    """Staff's count, or a random one in steps between min and max (posts look organic)."""
    step = subscription.order.service.step
    if quantity is None:
        return secrets.choice(range(subscription.min, subscription.max + 1, step))
    if quantity < subscription.min:
        raise errors.QuantityTooSmall
    if quantity > subscription.max:
        raise errors.QuantityTooLarge
    if quantity % step:
        raise errors.QuantityNotInSteps
    return quantity


def _check_room(subscription: Subscription, existing: bool) -> None:
    done = subscription.post_orders.filter(existing=existing).count()
    if existing and done >= (subscription.old_posts or 0):
        raise errors.InvalidOrderFields(_("This subscription covers no more existing posts."))
    if not existing and done >= (subscription.posts or 0):
        raise errors.InvalidOrderFields(_("This subscription covers no more new posts."))


def _place_child(subscription: Subscription, *, link: str, quantity: int, existing: bool, by) -> Order:
    """An ordinary order for the post, charged now; delivered after the subscription's delay."""
    anchor, now = subscription.order, clock.now()
    service, member = anchor.service, anchor.member
    charge = pricing.charge(service=service, quantity=quantity)  # what the page showed per post
    with transaction.atomic():
        ledger.lock_wallet(member)
        child = Order.objects.create(
            member=member,
            service=service,
            link=link,
            quantity=quantity,
            rate=service.rate,
            charge=charge,
            created_at=now,
            updated_at=now,
        )
        if charge > 0:
            wallet.charge(
                member=member,
                amount=charge,
                idempotency_key=f"order:{child.pk}:charge",
                memo=memos.build(memos.SUBSCRIPTION_CHARGE, order=child.pk, subscription=anchor.pk),
            )
        OrderTransition.objects.create(order=child, from_status="", to_status=Status.PENDING, by=by, at=now)
        SubscriptionPost.objects.create(
            subscription=subscription,
            link=link,
            existing=existing,
            order=child,
            due_at=now + timedelta(minutes=subscription.delay),
            created=now,
            recorded_by=by,
        )
    return child


def record_post(
    *, subscription: Subscription, link: str, quantity: int | None = None, by, existing: bool = False
) -> Order:
    """Staff saw a post on the subscribed account: place its child order (charged now).

    The same post recorded twice returns its first order (charged once). A balance too short
    pauses the subscription, with the reason shown to the member, and refuses the post.
    """
    link = link.strip()
    refusal: Exception | None = None
    with transaction.atomic():
        subscription = _locked(subscription)
        service = subscription.order.service
        if not link.lower().startswith(("https://", "http://")) or len(link) > 500:
            raise errors.IncorrectLink
        if not service.platform.accepts(link):
            raise errors.IncorrectLink
        earlier = subscription.post_orders.select_related("order").filter(link=link).first()
        if earlier is not None:
            return earlier.order
        if subscription.status == SubscriptionStatus.ACTIVE and _past_expiry(subscription):
            _move(subscription, SubscriptionStatus.EXPIRED, reason=EXPIRED)
            refusal = errors.TransitionNotAllowed(_("This subscription has expired."))
        elif subscription.status != SubscriptionStatus.ACTIVE:
            raise errors.TransitionNotAllowed(_("This subscription is not active."))
        else:
            _check_room(subscription, existing)
            quantity = _child_quantity(subscription, quantity)
            try:
                child = _place_child(subscription, link=link, quantity=quantity, existing=existing, by=by)
            except wallet_errors.InsufficientFunds as short:
                _move(subscription, SubscriptionStatus.PAUSED, by=by, reason=SHORT_OF_FUNDS)
                refusal = short
            else:
                subscription.posts_done = subscription.post_orders.count()
                subscription.save(update_fields=["posts_done"])
                if subscription.posts_done >= subscription.posts_allowed:
                    _move(subscription, SubscriptionStatus.COMPLETED, by=by, reason=ALL_POSTS_DONE)
    if refusal is not None:
        raise refusal  # after the pause or expiry above is committed
    return child


# --- The member's controls and the end of a subscription -------------------------------------


def pause(*, subscription: Subscription, member) -> Subscription:
    """The member stops new posts from being ordered for now (no new charges)."""
    with transaction.atomic():
        subscription = _locked(subscription, order__member=member)
        if subscription.status == SubscriptionStatus.PAUSED:
            return subscription
        return _move(subscription, SubscriptionStatus.PAUSED, by=member, reason=PAUSED_BY_MEMBER)


def resume(*, subscription: Subscription, member) -> Subscription:
    """The member opens a paused subscription again (one past its expiry date expires instead)."""
    expired = False
    with transaction.atomic():
        subscription = _locked(subscription, order__member=member)
        if subscription.status == SubscriptionStatus.ACTIVE:
            return subscription
        if subscription.status == SubscriptionStatus.PAUSED and _past_expiry(subscription):
            _move(subscription, SubscriptionStatus.EXPIRED, reason=EXPIRED)
            expired = True
        else:
            _move(subscription, SubscriptionStatus.ACTIVE, by=member)
    if expired:
        raise errors.TransitionNotAllowed(_("This subscription has expired."))
    return subscription


def cancel_subscription(
    *, subscription: Subscription, member=None, by=None, reason: str = ""
) -> Subscription:
    """The member (``member``) or our staff (``by``, with a reason the member sees) end a
    subscription. Child orders already placed are ordinary orders and go on."""
    if (member is None) == (by is None):
        raise ValueError("Cancel as the member or as staff, not both.")
    with transaction.atomic():
        if member is not None:
            subscription = _locked(subscription, order__member=member)
            reason = CANCELED_BY_MEMBER
        else:
            subscription = _locked(subscription)
            if not reason.strip():
                raise errors.InvalidOrderFields(_("Give the member a reason for cancelling."))
        if subscription.status == SubscriptionStatus.CANCELED:
            return subscription
        return _move(subscription, SubscriptionStatus.CANCELED, by=member or by, reason=reason.strip())


def expire_due() -> int:
    """Active or paused subscriptions past their expiry date become Expired (a periodic job)."""
    expired = 0
    due = Subscription.objects.filter(status__in=OPEN_SUBSCRIPTION, expiry__lt=_today())
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().select_related("order").get(pk=pk)
            if subscription.status in OPEN_SUBSCRIPTION and _past_expiry(subscription):
                _move(subscription, SubscriptionStatus.EXPIRED, reason=EXPIRED)
                expired += 1
    return expired


# --- Reads -----------------------------------------------------------------------------------


def subscription_of(order: Order) -> Subscription | None:
    """The subscription an order anchors, if it is one."""
    try:
        return order.subscription
    except Subscription.DoesNotExist:
        return None


def child_orders(subscription: Subscription) -> QuerySet[Order]:
    """The orders placed for the subscription's posts, oldest first."""
    return (
        Order.objects.filter(subscription_post__subscription=subscription)
        .select_related("subscription_post")
        .order_by("created_at", "id")
    )


def subscription_status(subscription: Subscription) -> dict:
    """API v2's status of a subscription order, exactly in its shape.

    Prefetch ``post_orders`` (``subscription__post_orders`` from orders) to answer many at once
    without a query each.
    """
    return {
        "status": subscription.status,
        "expiry": subscription.expiry.strftime("%d/%m/%Y") if subscription.expiry else None,
        "posts": str(subscription.posts_done),
        "orders": [post.order_id for post in subscription.post_orders.all()],  # oldest first
    }
