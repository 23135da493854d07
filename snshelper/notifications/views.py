from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core.form_fields import ListForm
from snshelper.notifications import selectors, services
from snshelper.notifications.models import Notification


class ChannelsForm(forms.Form):
    """The boxes ticked on the notice settings page."""

    email = forms.BooleanField(required=False)
    line = forms.BooleanField(required=False)
    order_updates = forms.BooleanField(required=False)


@login_required
def centre(request):
    page = selectors.centre_page(request.user, ListForm(request.GET).value("page", 1))
    return render(request, "notifications/centre.html", {"page": page})


@login_required
@require_POST
def open_notice(request, pk: int):
    try:
        notification = services.open_notice(member=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    target = notification.link
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:centre")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(member=request.user)
    if count:
        messages.success(request, _("All notices are marked as read."))
    return redirect("notifications:centre")


@login_required
def notice_settings(request):
    choice = selectors.channel_choice(request.user)
    if request.method == "POST":
        ticked = ChannelsForm(request.POST)
        ticked.is_valid()
        choice = services.choose_channels(member=request.user, **ticked.cleaned_data)
        messages.success(request, _("Your notice settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"choice": choice, "line": selectors.line_status(request.user)},
    )
