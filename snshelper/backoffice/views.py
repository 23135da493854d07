"""Staff lifecycle pages (P17): the security pledge, and the administrators' staff records."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from snshelper.accounts.models import Member
from snshelper.backoffice.forms import HandOverForm, TrainingForm
from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.core.form_fields import TextsForm, YesField, next_page
from snshelper.staff import pledge, selectors, services
from snshelper.staff.access import ALL_ROLES, staff_page
from snshelper.staff.roles import ADMINISTRATOR


def _next(request) -> str:
    return next_page(request, reverse("web:dashboard"))


class AgreeForm(forms.Form):
    agree = YesField()


@staff_page(*ALL_ROLES)
def pledge_page(request):
    if not request.user.is_staff:
        raise PermissionDenied
    if request.method == "POST":
        agreed = AgreeForm(request.POST)
        if not (agreed.is_valid() and agreed.cleaned_data["agree"]):
            messages.error(request, _("Tick the box to confirm you have read the pledge and agree to it."))
        else:
            try:
                services.sign_pledge(staff=request.user)
                messages.success(
                    request, _("Thank you: your signature under the security pledge is recorded.")
                )
                return redirect(_next(request))
            except DomainError as error:
                messages.error(request, error.message)
    signed = request.user.security_pledges.filter(version=pledge.PLEDGE_VERSION).first()
    return render(
        request,
        "staff/pledge_page.html",
        {
            "version": pledge.PLEDGE_VERSION,
            "signed": signed,
            "earlier": request.user.security_pledges.exclude(version=pledge.PLEDGE_VERSION),
            "next": _next(request),
        },
    )


@staff_page(ADMINISTRATOR)
def people(request):
    return render(
        request,
        "staff/people.html",
        {"records": selectors.staff_overview(), "version": pledge.PLEDGE_VERSION},
    )


@staff_page(ADMINISTRATOR)
def training_new(request):
    form = TrainingForm(
        request.POST or None,
        initial={
            "staff": TextsForm(request.GET, "staff").text("staff") or None,
            "held_on": timezone.localdate(clock.now()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_training(
                staff=data["staff"],
                held_on=data["held_on"],
                topic=data["topic"],
                hours=data["hours"],
                notes=data["notes"],
                by=request.user,
            )
            messages.success(request, _("Training session recorded."))
            return redirect("staff:people")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(request, "staff/training_new.html", {"form": form})


@staff_page(ADMINISTRATOR)
def hand_over_new(request, member_id: str):
    leaving = get_object_or_404(Member, member_id=member_id, is_staff=True)
    form = HandOverForm(
        request.POST or None,
        leaving=leaving,
        initial={"effective_at": timezone.localtime(clock.now()).replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hand_over = services.record_hand_over(
                staff=leaving,
                effective_at=data["effective_at"],
                reassigned_to=data["reassigned_to"],
                open_work_summary=data["open_work_summary"],
                responsibility_statement=data["responsibility_statement"],
                by=request.user,
            )
            if hand_over.carried_out_at:
                messages.success(
                    request, _("Hand-over recorded: access has ended and open work was reassigned.")
                )
            else:
                messages.success(request, _("Hand-over recorded: access ends at the time given."))
            return redirect("staff:people")
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "staff/hand_over_new.html",
        {"form": form, "leaving": leaving, "open_work": selectors.open_work_of(leaving)},
    )
