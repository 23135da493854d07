"""The member's order pages: new order (with a live price), list and detail."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.orders import selectors, services, subscriptions
from snshelper.orders.errors import OrderError
from snshelper.orders.models import Status, SubscriptionStatus
from snshelper.orders.services import OrderRequest
from snshelper.privacy import restrictions
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet.errors import WalletError

TYPE_FIELDS = ("usernames", "answer_number")
DELAY_CHOICES = (0, 5, 10, 15, 30, 60, 90, 120, 180, 240, 300, 360, 480, 600)  # minutes, as panels offer


def _request_from(data, service: Service) -> OrderRequest:
    return OrderRequest(
        service_id=service.pk,
        link=data.get("link", ""),
        quantity=data.get("quantity"),
        runs=data.get("runs") or None,
        interval=data.get("interval") or None,
        comments=data.get("comments", ""),
        type_fields={k: data[k] for k in TYPE_FIELDS if data.get(k)},
    )


def _place(member, service: Service, data):
    """Place what the form describes: an order, or a subscription for a Subscriptions service."""
    if service.type == Service.Type.SUBSCRIPTIONS:
        return subscriptions.place_subscription(
            member=member,
            service_id=service.pk,
            username=data.get("username", ""),
            min=data.get("min"),
            max=data.get("max"),
            posts=data.get("posts"),
            old_posts=data.get("old_posts"),
            delay=data.get("delay") or 0,
            expiry=data.get("expiry"),
            idempotency_key=data.get("idempotency_key", ""),
        ).order
    return services.place_order(
        member=member, request=_request_from(data, service), idempotency_key=data.get("idempotency_key", "")
    )


def _price(service: Service | None, data) -> dict:
    """The price the member would pay for what they typed so far (None when not computable)."""
    if service is None:
        return {}
    try:
        if service.type == Service.Type.SUBSCRIPTIONS:  # charged per post, when it is recorded
            low, high = int(data.get("min") or 0), int(data.get("max") or 0)
            if not 0 < low <= high:
                return {"charge": None}
            return {"per_post": (service.price(low), service.price(high))}
        if service.type == Service.Type.PACKAGE:
            charge = service.rate
        elif service.type == Service.Type.CUSTOM_COMMENTS:
            charge = service.price(len([c for c in data.get("comments", "").splitlines() if c.strip()]))
        else:
            runs = int(data.get("runs") or 1)
            charge = service.price(int(data.get("quantity") or 0)) * max(runs, 1)
    except ValueError:
        charge = None
    return {"charge": charge}


@login_required
def new(request):
    data = request.POST if request.method == "POST" else request.GET
    service = catalog.orderable_service(data.get("service"))
    error = ""
    if request.method == "POST":
        if service is None:
            error = str(_("Choose a service."))
        else:
            try:
                order = _place(request.user, service, data)
            except (OrderError, WalletError) as refused:
                error = str(refused.message)
            else:
                if service.type == Service.Type.SUBSCRIPTIONS:
                    placed = _("Subscription #%(number)s placed: each post is charged when it is ordered.")
                else:
                    placed = _("Order #%(number)s placed.")
                messages.success(request, placed % {"number": order.pk})
                return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "orders/new.html",
        {
            "services": catalog.orderable_services(),
            "service": service,
            "data": data,
            "error": error,
            "price": _price(service, data),
            "balance": wallet_selectors.balance(request.user),
            "idempotency_key": data.get("idempotency_key") or uuid.uuid4().hex,
            "delay_choices": DELAY_CHOICES,
        },
    )


@login_required
def price(request):
    """HTMX: the live price as the member types."""
    service = catalog.orderable_service(request.GET.get("service"))
    return render(
        request,
        "orders/_price.html",
        {
            "price": _price(service, request.GET),
            "service": service,
            "balance": wallet_selectors.balance(request.user),
        },
    )


@login_required
def order_list(request):
    search, status = request.GET.get("q", ""), request.GET.get("status", "")
    page = Paginator(selectors.orders_for(request.user, search=search, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orders/list.html",
        {
            "page": page,
            "q": search,
            "status": status,
            "statuses": Status.choices,
        },
    )


SUBSCRIPTION_ACTIONS = {
    "pause": (
        subscriptions.pause,
        _lazy("Subscription paused: no new posts are ordered until you resume it."),
    ),
    "resume": (subscriptions.resume, _lazy("Subscription resumed.")),
    "cancel": (subscriptions.cancel_subscription, _lazy("Subscription canceled.")),
}


def _act_on_subscription(request, subscription) -> None:
    action, done = SUBSCRIPTION_ACTIONS.get(request.POST.get("action", ""), (None, ""))
    if action is None:
        messages.error(request, _("Incorrect request"))
        return
    try:
        action(subscription=subscription, member=request.user)
    except OrderError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, done)


@login_required
def detail(request, pk):
    order = selectors.order_for(request.user, pk)
    if order is None:
        raise Http404
    subscription = subscriptions.subscription_of(order)
    if request.method == "POST":  # the subscription's pause, resume and cancel buttons
        if subscription is None:
            return HttpResponseNotAllowed(["GET"])
        _act_on_subscription(request, subscription)
        return redirect("orders:detail", pk=order.pk)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "subscription": subscription,
            "child_orders": subscriptions.child_orders(subscription) if subscription else None,
            "short_of_funds": subscription is not None
            and subscription.status == SubscriptionStatus.PAUSED
            and subscription.reason == subscriptions.SHORT_OF_FUNDS,
            "refill_until": None if subscription else services.refill_deadline(order),
            # P9: a provider's order waits while the member's processing is stopped; say why.
            "held_while_suspended": order.status == Status.PENDING
            and order.service.by_provider
            and restrictions.processing_suspended(request.user),
            "can_cancel": subscription is None
            and order.service.cancel_allowed
            and order.status == Status.PENDING
            and not any(c.status == "pending" for c in order.cancel_requests.all()),
        },
    )
