"""The order pages' forms: what a member or marketing staff typed, read into typed values.

Each form only reads; the services decide (a quantity below the minimum, a link of another
platform). Where a field cannot be read, its error is the one the service used to give, so the
pages say what they said before.
"""

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from snshelper.catalog import selectors as catalog
from snshelper.catalog.models import Service
from snshelper.core import parse
from snshelper.core.form_fields import DayMonthYearField, LinesField, ListForm, WholeNumberField, YesField
from snshelper.orders import errors
from snshelper.orders.models import ACTIVE
from snshelper.orders.services import MassOrderLine

KEY = {"required": False, "max_length": 200}  # Order.idempotency_key
INCORRECT = {"invalid": errors.InvalidOrderFields.message}


def _not_whole(field: str) -> dict:
    return {"invalid": errors.not_a_whole_number(field).message}


class ServiceForm(forms.Form):
    """The service the new-order page is for (``?service=``)."""

    service = WholeNumberField(max_value=parse.LARGEST_ID)

    def chosen(self) -> Service | None:
        """The orderable service asked for, or None (none, not a number, not for sale)."""
        return catalog.orderable_service(self.cleaned_data.get("service")) if self.is_valid() else None


# The fields each service type takes beside the link (and drip-feed, which the service checks):
# API v2's. The page shows a Mentions service's usernames; the other mention kinds are read the
# same way when sent, as API v2 reads them.
MENTIONS = ("usernames", "hashtags", "username", "hashtag", "media")
TYPE_FIELDS = {
    Service.Type.DEFAULT: ("quantity",),
    Service.Type.CUSTOM_COMMENTS: ("comments",),
    Service.Type.MENTIONS: (*MENTIONS, "quantity"),
    Service.Type.PACKAGE: (),
    Service.Type.POLL: ("quantity", "answer_number"),
}
PRICED = ("quantity", "runs", "comments", "usernames", "hashtags")  # what the live price is worked out from


class OrderForm(forms.Form):
    """A new order of any type but Subscriptions: only the fields its service's type takes."""

    link = forms.CharField(required=False, strip=False)  # the service says what a link must be
    quantity = WholeNumberField(error_messages=INCORRECT)
    runs = WholeNumberField(error_messages=INCORRECT)
    interval = WholeNumberField(error_messages=INCORRECT)
    comments = LinesField()
    usernames = LinesField()
    hashtags = LinesField()
    username = forms.CharField(required=False, strip=False)
    hashtag = forms.CharField(required=False, strip=False)
    media = forms.CharField(required=False, strip=False)
    answer_number = WholeNumberField(error_messages={"invalid": errors.missing("answer_number").message})
    idempotency_key = forms.CharField(**KEY)

    def __init__(self, data, *, service: Service):
        super().__init__(data)
        self.service = service
        taken = TYPE_FIELDS.get(service.type, ())
        for name in ("quantity", "comments", *MENTIONS, "answer_number"):
            if name not in taken:
                del self.fields[name]

    def order_arguments(self) -> dict:
        """``place_order``'s keyword arguments (after ``is_valid()``), but the member and the key."""
        data = self.cleaned_data
        fields = {
            "service": self.service,
            "link": data["link"],
            "runs": data["runs"],
            "interval": data["interval"],
        }
        return fields | {name: data[name] for name in TYPE_FIELDS.get(self.service.type, ())}

    def price_arguments(self) -> dict | None:
        """What ``catalog.pricing`` needs for the live price, or None while one of them is unreadable."""
        self.is_valid()
        if any(name in self.errors for name in PRICED):
            return None
        data = self.cleaned_data
        return {name: data[name] for name in PRICED if name in data}


class SubscriptionForm(forms.Form):
    """A new subscription (a Subscriptions service), in API v2's field names."""

    username = forms.CharField(required=False, strip=False)
    min = WholeNumberField(error_messages=_not_whole("min"))
    max = WholeNumberField(error_messages=_not_whole("max"))
    posts = WholeNumberField(error_messages=_not_whole("posts"))
    old_posts = WholeNumberField(error_messages=_not_whole("old_posts"))
    delay = WholeNumberField(error_messages=_not_whole("delay"))
    expiry = DayMonthYearField(error_messages={"invalid": errors.IncorrectExpiry.message})
    idempotency_key = forms.CharField(**KEY)

    def __init__(self, data, *, service: Service):
        super().__init__(data)
        self.service = service

    def subscription_arguments(self) -> dict:
        """``place_subscription``'s keyword arguments (after ``is_valid()``), but the member and key."""
        data = self.cleaned_data
        return {
            "service": self.service,
            "username": data["username"],
            "min_quantity": data["min"],
            "max_quantity": data["max"],
            "posts": data["posts"],
            "old_posts": data["old_posts"],
            "delay": data["delay"] or 0,
            "expiry": data["expiry"],
        }


def _mass_line(number: int, text: str) -> MassOrderLine:
    parts = [part.strip() for part in text.split("|")]
    if len(parts) != 3:
        return MassOrderLine(number, text, unreadable=_("Write the line as: service ID | link | quantity"))
    service_id, link, quantity = parts
    count = parse.whole_number(quantity)
    if quantity and count is None:
        return MassOrderLine(number, text, unreadable=errors.InvalidOrderFields.message)
    return MassOrderLine(number, text, service_id=parse.record_id(service_id), link=link, quantity=count)


class MassOrderForm(forms.Form):
    """Many orders at once: one ``service ID | link | quantity`` a line."""

    orders = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    idempotency_key = forms.CharField(**KEY)

    def clean_orders(self) -> list[MassOrderLine]:
        text = self.cleaned_data["orders"]
        return [
            _mass_line(number, line.strip())
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]


class SubscriptionActionForm(forms.Form):
    """The member's pause, resume and cancel buttons on a subscription."""

    action = forms.ChoiceField(
        choices=[("pause", "pause"), ("resume", "resume"), ("cancel", "cancel")],
        error_messages={"required": errors.OrderError.message, "invalid_choice": errors.OrderError.message},
    )


class RequestForm(forms.Form):
    """A member's refill or cancel request: where to go back to afterwards, if anywhere."""

    next = forms.CharField(required=False)

    def next_page(self, request) -> str:
        """Our own page the button asked to return to ('' for none, or one elsewhere)."""
        page = self.cleaned_data.get("next", "") if self.is_valid() else ""
        allowed = url_has_allowed_host_and_scheme(page, {request.get_host()}, request.is_secure())
        return page if page and allowed else ""


# --- Marketing staff's manual queue ---------------------------------------------------------------

WHOLE = {"invalid": _("Enter a whole number."), "max_value": _("Enter a whole number.")}


class FulfilForm(forms.Form):
    """Start (with the start count), complete, partial (with what remains) or cancel an order."""

    action = forms.CharField(required=False)  # the service refuses one it does not know
    start_count = WholeNumberField(max_value=parse.LARGEST_COUNT, error_messages=WHOLE)
    remains = WholeNumberField(max_value=parse.LARGEST_COUNT, error_messages=WHOLE)
    reason = forms.CharField(required=False, strip=False)


class SubscriptionWorkForm(forms.Form):
    """Record a post of a subscribed account (its order is placed) or cancel the subscription."""

    action = forms.CharField(required=False)
    link = forms.CharField(required=False, strip=False)
    quantity = WholeNumberField(error_messages=_not_whole("quantity"))
    existing = YesField()
    reason = forms.CharField(required=False, strip=False)


class QueueFilterForm(forms.Form):
    """The staff queue's filters: an order number or part of a link, and an active status."""

    q = forms.CharField(required=False, max_length=500)
    status = forms.ChoiceField(required=False, choices=[("", "")] + [(s.value, s.label) for s in ACTIVE])

    def filters(self) -> dict:
        """``search`` and ``status`` for the selector (none when the query string is not ours)."""
        if not self.is_valid():
            return {"search": "", "status": ""}
        return {"search": self.cleaned_data["q"], "status": self.cleaned_data["status"]}


class RefillHandlingForm(forms.Form):
    """Move a member's refill request on (``to`` a refill status), with a reason when rejected."""

    to = forms.CharField(required=False)  # the service refuses a status it does not know
    reason = forms.CharField(required=False, strip=False)


class CancelHandlingForm(forms.Form):
    """Accept (``accept=yes``) or reject, with a reason, a member's cancel request."""

    accept = YesField()
    reason = forms.CharField(required=False, strip=False)


class OrderListForm(ListForm):
    """The member's order list: the search box (an order number or part of a link), the status."""

    q = forms.CharField(required=False, strip=False)
    status = forms.CharField(required=False, strip=False)
