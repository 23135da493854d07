"""The back office's maintenance switch (issue 18): administrators (``staff.manage_settings``)
switch the site to maintenance with a message per language and an expected end, change the
message, switch it off, and read the log of every switch."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.core.form_fields import LocalDateTimeField
from snshelper.maintenance import selectors, services
from snshelper.staff.access import staff_page
from snshelper.staff.roles import ADMINISTRATOR


def _message(label, required=False):
    return forms.CharField(
        label=label,
        required=required,
        error_messages={"required": services.ThaiMessageMissing.message},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SwitchOnForm(forms.Form):
    message_th = _message(gettext_lazy("Message in Thai"), required=True)
    message_en = _message(gettext_lazy("Message in English"))
    message_ko = _message(gettext_lazy("Message in Korean"))
    ends_at = LocalDateTimeField(
        label=gettext_lazy("Expected end (Bangkok time)"),
        required=False,
        help_text=gettext_lazy(
            "Shown to visitors and sent as Retry-After. The site stays closed until you switch it off."
        ),
    )


def _initial(state) -> dict:
    if state.on:
        return {**{f"message_{k}": v for k, v in state.messages.items()}, "ends_at": state.ends_at}
    return {f"message_{k}": v for k, v in selectors.default_messages().items()}


@staff_page(ADMINISTRATOR)
def switch(request):
    state = selectors.current()
    form = SwitchOnForm(request.POST or None, initial=_initial(state))
    if request.method == "POST" and form.is_valid():
        try:
            services.switch_on(**form.cleaned_data, by=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if state.on:
                messages.success(request, _("The maintenance message was changed."))
            else:
                messages.success(
                    request,
                    _("Maintenance mode is on: members and visitors see the message; staff keep working."),
                )
            return redirect("maintenance_staff:switch")
    return render(
        request,
        "maintenance/staff/switch.html",
        {"state": state, "form": form, "history": selectors.history(), "no_maintenance_banner": True},
    )


@require_POST
@staff_page(ADMINISTRATOR)
def switch_off(request):
    try:
        services.switch_off(by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Maintenance mode is off: the site is open again."))
    return redirect("maintenance_staff:switch")
