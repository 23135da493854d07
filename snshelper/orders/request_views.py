"""Member actions beside the order pages: refill and cancel requests, and mass orders."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core.form_fields import first_error
from snshelper.orders import services
from snshelper.orders.errors import OrderError
from snshelper.orders.forms import MassOrderForm, RequestForm
from snshelper.orders.models import Order
from snshelper.wallet import selectors as wallet_selectors


def _ask(request, pk, ask, done_message):
    order = get_object_or_404(Order, pk=pk, member=request.user)
    back = RequestForm(request.POST).next_page(request)
    try:
        ask(member=request.user, order=order)
        messages.success(request, done_message)
    except OrderError as error:
        messages.error(request, str(error.message))
    return redirect(back) if back else redirect("orders:detail", pk=pk)


@login_required
@require_POST
def refill(request, pk):
    return _ask(
        request, pk, services.request_refill, _("Refill requested. We will let you know the outcome.")
    )


@login_required
@require_POST
def cancel(request, pk):
    return _ask(
        request, pk, services.request_cancel, _("Cancel requested. We will let you know the outcome.")
    )


@login_required
def mass_order(request):
    results = None
    form = MassOrderForm(request.POST or None)
    text = form["orders"].value() or ""
    key = form["idempotency_key"].value() or uuid.uuid4().hex
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise OrderError(first_error(form))
            lines = form.cleaned_data["orders"]
            results = services.place_mass_order(member=request.user, lines=lines, idempotency_key=key)
        except OrderError as error:
            messages.error(request, str(error.message))
    accepted = [r for r in results or [] if r.order]
    return render(
        request,
        "orders/mass_order.html",
        {
            "results": results,
            "accepted": accepted,
            "text": text,
            "idempotency_key": key if results is None else uuid.uuid4().hex,
            "balance": wallet_selectors.balance(request.user),
        },
    )
