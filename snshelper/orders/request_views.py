"""A member asks for a refill or a cancel of one of their orders (buttons on the order page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.orders import services
from snshelper.orders.errors import OrderError
from snshelper.orders.models import Order


def _ask(request, pk, ask, done_message):
    order = get_object_or_404(Order, pk=pk, member=request.user)
    try:
        ask(member=request.user, order=order)
        messages.success(request, done_message)
    except OrderError as error:
        messages.error(request, str(error.message))
    return redirect(
        request.POST.get("next") or "orders:detail", **({} if request.POST.get("next") else {"pk": pk})
    )


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
