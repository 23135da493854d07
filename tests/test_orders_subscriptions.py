"""Subscription orders (API v2 "Subscriptions"): a member subscribes an account; each post staff
record places a child order, charged then, once; a short balance pauses the subscription; it
ends Completed, Expired or Canceled, and its status reads exactly as API v2's."""

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from snshelper.api import v2
from snshelper.core.form_fields import first_error
from snshelper.orders import errors, subscriptions
from snshelper.orders.forms import SubscriptionForm
from snshelper.orders.models import Order, Status, Subscription, SubscriptionStatus
from snshelper.orders.subscription_tasks import expire_due_subscriptions
from snshelper.orders.subscriptions import place_subscription, record_post
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet import services as wallet
from snshelper.wallet.errors import InsufficientFunds
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")
POST = "https://www.instagram.com/p/Post{}/"
DISCOVER = """
import django
django.setup()
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
autodiscover_modules("tasks")
print(*(task.name for task in HUEY._registry.periodic_tasks))
"""


@pytest.fixture
def service(make_service):
    return make_service(type="Subscriptions", rate=Decimal("90"), name_en="Likes on new posts")


@pytest.fixture
def at_noon(clock):
    """Noon of 1 June 2026 in Bangkok: expiry dates are Bangkok dates."""
    clock.travel_to(datetime(2026, 6, 1, 12, 0, tzinfo=BANGKOK))
    return clock


def subscribe(member, service, **fields):
    values = {"username": "@somchai.shop", "min_quantity": 100, "max_quantity": 200, "posts": 3, **fields}
    return place_subscription(member=member, service=service, **values)


@pytest.fixture
def subscription(funded, service, at_noon):
    return subscribe(funded, service, expiry=date(2026, 6, 25), delay=30)


@pytest.fixture
def staff(make_staff):
    return make_staff("marketing")[0]


# --- Placing -----------------------------------------------------------------------------------


def test_subscribing_opens_an_active_subscription_and_charges_nothing(subscription, funded):
    anchor = subscription.order
    assert (anchor.link, anchor.quantity, anchor.charge) == ("@somchai.shop", 0, Decimal("0"))
    assert anchor.status == Status.IN_PROGRESS
    assert list(anchor.transitions.values_list("to_status", flat=True)) == ["Pending", "In progress"]
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.expiry == date(2026, 6, 25)
    assert wallet_selectors.balance(funded) == Decimal("1000")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"min_quantity": 50}, "Quantity less than minimal"),
        ({"max_quantity": 20_000}, "Quantity more than maximal"),
        ({"min_quantity": 300, "max_quantity": 200}, "Incorrect request: min is more than max"),
        ({"min_quantity": 105}, "Quantity must be a multiple of the service's step"),
        ({"min_quantity": None}, "Incorrect request: min is missing"),
        ({"posts": None}, "Incorrect request: posts is missing"),
        ({"posts": 0, "old_posts": 0}, "Incorrect request: posts is missing"),
        ({"username": ""}, "Incorrect request: username is missing"),
        ({"username": "not an account!"}, "Incorrect username"),
        ({"delay": 601}, "Incorrect request: delay is at most 600 minutes"),
        ({"old_posts": 10**12}, "Incorrect request: old_posts is at most 10000"),
        ({"expiry": date(2026, 6, 1)}, "Incorrect expiry: the date must be in the future"),
        ({"expiry": date(2026, 5, 31)}, "Incorrect expiry: the date must be in the future"),
    ],
)
def test_placement_refuses_bad_fields_with_api_v2_messages_and_writes_nothing(
    funded, service, at_noon, fields, message
):
    with pytest.raises(errors.OrderError) as refused:
        subscribe(funded, service, **fields)
    with translation.override("en"):  # API v2 answers in English
        assert str(refused.value.message) == message
    assert not Order.objects.exists() and not Subscription.objects.exists()


def test_only_a_subscriptions_service_takes_a_subscription(funded, make_service, at_noon):
    followers = make_service(type="Default")
    with pytest.raises(errors.IncorrectService):
        subscribe(funded, followers)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"max": "many"}, "Incorrect request: max must be a whole number"),
        ({"posts": "3 posts"}, "Incorrect request: posts must be a whole number"),
        ({"delay": "-5"}, "Incorrect request: delay must be a whole number"),
        ({"expiry": "2026-12-25"}, "Incorrect expiry: write the date as d/m/Y, e.g. 25/12/2026"),
        ({"expiry": "31/02/2027"}, "Incorrect expiry: write the date as d/m/Y, e.g. 25/12/2026"),
    ],
)
def test_fields_that_cannot_be_read_are_refused_at_the_edge_with_api_v2_messages(
    funded, service, at_noon, fields, message
):
    """The page's form and API v2 read the same fields the same way, before the service is asked."""
    data = {"username": "@somchai.shop", "min": "100", "max": "200", "posts": "3", **fields}
    form = SubscriptionForm(data, service=service)
    assert not form.is_valid()
    with translation.override("en"):
        assert first_error(form) == message
    with pytest.raises(errors.OrderError) as refused, translation.override("en"):
        v2.add(funded, v2.Params({"service": str(service.pk), **data}))
    with translation.override("en"):
        assert str(refused.value.message) == message
    assert not Order.objects.exists() and not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("written", "day"), [("2/6/2026", date(2026, 6, 2)), ("25/12/2569", date(2026, 12, 25))]
)
def test_expiry_is_read_as_d_m_y_and_a_thai_buddhist_year_is_understood(
    funded, service, at_noon, written, day
):
    data = {"username": "@somchai.shop", "min": "100", "max": "200", "posts": "3", "expiry": written}
    form = SubscriptionForm(data, service=service)
    assert form.is_valid() and form.subscription_arguments()["expiry"] == day
    answer = v2.add(funded, v2.Params({"service": str(service.pk), **data}))
    assert Subscription.objects.get(order_id=answer["order"]).expiry == day


def test_a_retried_subscription_with_the_same_key_is_the_first_one(funded, service, at_noon):
    first = subscribe(funded, service, idempotency_key="retry-1")
    again = subscribe(funded, service, idempotency_key="retry-1")
    assert again.pk == first.pk and Subscription.objects.count() == 1


def test_a_second_open_subscription_for_the_same_account_is_refused(funded, service, at_noon):
    subscribe(funded, service)
    with pytest.raises(errors.ActiveOrderForLink):
        subscribe(funded, service)
    assert subscribe(funded, service, username="@other.shop").status == SubscriptionStatus.ACTIVE


# --- Posts and child orders ----------------------------------------------------------------------


def test_each_recorded_post_places_a_child_order_charged_once(subscription, funded, staff):
    first = record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)
    second = record_post(subscription=subscription, link=POST.format(2), quantity=200, by=staff)
    again = record_post(subscription=subscription, link=POST.format(1), quantity=200, by=staff)
    assert again.pk == first.pk  # the same post recorded twice is one order, charged once
    assert (first.charge, second.charge) == (Decimal("9.00000"), Decimal("18.00000"))
    assert (first.service_id, first.member, first.status) == (
        subscription.order.service_id,
        funded,
        "Pending",
    )
    assert wallet_selectors.balance(funded) == Decimal("1000") - Decimal("27")
    subscription.refresh_from_db()
    assert subscription.posts_done == 2


def test_a_child_quantity_outside_min_and_max_is_refused_and_charges_nothing(subscription, funded, staff):
    for quantity, error in [(90, errors.QuantityTooSmall), (210, errors.QuantityTooLarge)]:
        with pytest.raises(error):
            record_post(subscription=subscription, link=POST.format(1), quantity=quantity, by=staff)
    with pytest.raises(errors.IncorrectLink):
        record_post(subscription=subscription, link="https://example.com/p/1", quantity=100, by=staff)
    assert not subscription.post_orders.exists()
    assert wallet_selectors.balance(funded) == Decimal("1000")


def test_without_a_quantity_each_post_gets_one_between_min_and_max_in_steps(subscription, staff):
    for n in range(3):
        child = record_post(subscription=subscription, link=POST.format(n), by=staff)
        assert 100 <= child.quantity <= 200 and child.quantity % 10 == 0


def test_the_last_post_completes_the_subscription_and_a_further_one_is_refused(subscription, staff):
    for n in range(3):
        record_post(subscription=subscription, link=POST.format(n), quantity=100, by=staff)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.COMPLETED
    assert Order.objects.get(pk=subscription.pk).status == Status.COMPLETED
    with pytest.raises(errors.TransitionNotAllowed):
        record_post(subscription=subscription, link=POST.format(9), quantity=100, by=staff)


def test_existing_posts_and_new_posts_are_counted_apart(funded, service, at_noon, staff):
    subscription = subscribe(funded, service, posts=1, old_posts=2)
    record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff, existing=True)
    record_post(subscription=subscription, link=POST.format(2), quantity=100, by=staff)
    with pytest.raises(errors.InvalidOrderFields):
        record_post(subscription=subscription, link=POST.format(3), quantity=100, by=staff)  # no new left
    record_post(subscription=subscription, link=POST.format(3), quantity=100, by=staff, existing=True)
    subscription.refresh_from_db()
    assert (subscription.posts_done, subscription.status) == (3, SubscriptionStatus.COMPLETED)


def test_a_short_balance_pauses_the_subscription_with_a_reason_and_charges_nothing(
    member, service, at_noon, staff
):
    wallet.credit_top_up(member=member, amount=Decimal("10"), idempotency_key="ten")
    subscription = subscribe(member, service)
    record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)  # ฿9
    with pytest.raises(InsufficientFunds):
        record_post(subscription=subscription, link=POST.format(2), quantity=100, by=staff)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAUSED
    assert subscription.reason == subscriptions.SHORT_OF_FUNDS
    assert subscription.post_orders.count() == 1 and subscription.posts_done == 1
    assert wallet_selectors.balance(member) == Decimal("1")
    with pytest.raises(errors.TransitionNotAllowed):  # paused: staff cannot record posts
        record_post(subscription=subscription, link=POST.format(2), quantity=100, by=staff)

    wallet.credit_top_up(member=member, amount=Decimal("50"), idempotency_key="fifty")
    subscriptions.resume(subscription=subscription, member=member)
    child = record_post(subscription=subscription, link=POST.format(2), quantity=100, by=staff)
    assert child.charge == Decimal("9") and wallet_selectors.balance(member) == Decimal("42")


# --- Pause, resume, cancel, expiry ---------------------------------------------------------------


def test_the_member_pauses_and_resumes_and_no_one_else_can(subscription, funded, make_member):
    stranger = make_member()
    with pytest.raises(errors.OrderError):
        subscriptions.pause(subscription=subscription, member=stranger)
    subscriptions.pause(subscription=subscription, member=funded)
    subscription.refresh_from_db()
    assert (subscription.status, subscription.reason) == ("Paused", subscriptions.PAUSED_BY_MEMBER)
    assert Order.objects.get(pk=subscription.pk).status == Status.IN_PROGRESS
    subscriptions.resume(subscription=subscription, member=funded)
    subscription.refresh_from_db()
    assert (subscription.status, subscription.reason) == ("Active", "")
    who = list(subscription.transitions.values_list("to_status", "by"))
    assert who == [("Active", funded.pk), ("Paused", funded.pk), ("Active", funded.pk)]


def test_cancel_ends_the_subscription_and_keeps_the_orders_already_placed(subscription, funded, staff):
    child = record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)
    subscriptions.cancel_subscription(subscription=subscription, member=funded)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CANCELED
    assert Order.objects.get(pk=subscription.pk).status == Status.CANCELED
    assert Order.objects.get(pk=child.pk).status == Status.PENDING
    assert wallet_selectors.balance(funded) == Decimal("991")
    with pytest.raises(errors.TransitionNotAllowed):
        record_post(subscription=subscription, link=POST.format(2), quantity=100, by=staff)
    with pytest.raises(errors.TransitionNotAllowed):
        subscriptions.resume(subscription=subscription, member=funded)


def test_staff_cancel_needs_a_reason_the_member_sees(subscription, staff):
    with pytest.raises(errors.InvalidOrderFields):
        subscriptions.cancel_subscription(subscription=subscription, by=staff, reason=" ")
    subscriptions.cancel_subscription(subscription=subscription, by=staff, reason="Account is private")
    subscription.refresh_from_db()
    assert (subscription.status, subscription.reason) == ("Canceled", "Account is private")


def test_active_and_paused_subscriptions_expire_after_their_expiry_date(
    subscription, funded, service, at_noon
):
    paused = subscribe(funded, service, username="@paused.shop", expiry=date(2026, 6, 25))
    subscriptions.pause(subscription=paused, member=funded)
    lasting = subscribe(funded, service, username="@lasting.shop", expiry=date(2026, 6, 26))
    at_noon.travel_to(datetime(2026, 6, 25, 23, 59, tzinfo=BANGKOK))
    expire_due_subscriptions.call_local()
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.ACTIVE  # its last day
    at_noon.travel_to(datetime(2026, 6, 26, 0, 1, tzinfo=BANGKOK))
    expire_due_subscriptions.call_local()
    statuses = dict(Subscription.objects.values_list("username", "status"))
    assert statuses == {"@somchai.shop": "Expired", "@paused.shop": "Expired", "@lasting.shop": "Active"}
    assert Order.objects.get(pk=subscription.pk).status == Status.COMPLETED
    assert lasting.order.status == Status.IN_PROGRESS


def test_a_post_recorded_after_the_expiry_date_expires_the_subscription_instead(subscription, staff, at_noon):
    at_noon.travel_to(datetime(2026, 6, 26, 9, 0, tzinfo=BANGKOK))  # before the job ran
    with pytest.raises(errors.TransitionNotAllowed):
        record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.EXPIRED and not subscription.post_orders.exists()


def test_the_worker_finds_the_expiry_job():
    """A fresh process, as the huey consumer starts: it looks in each app's ``tasks`` only."""
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", DISCOVER], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert "expire_due_subscriptions" in found


# --- API v2 status -------------------------------------------------------------------------------


def test_status_reads_exactly_as_api_v2(subscription, staff):
    first = record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)
    second = record_post(subscription=subscription, link=POST.format(2), quantity=100, by=staff)
    subscription.refresh_from_db()
    status = subscriptions.subscription_status(subscription)
    assert status == {
        "status": "Active",
        "expiry": "25/06/2026",
        "posts": "2",
        "orders": [first.pk, second.pk],
    }
    assert json.dumps(status) == (
        f'{{"status": "Active", "expiry": "25/06/2026", "posts": "2", "orders": [{first.pk}, {second.pk}]}}'
    )


def test_status_without_an_expiry_says_null(funded, service, at_noon):
    subscription = subscribe(funded, service)
    assert subscriptions.subscription_status(subscription) == {
        "status": "Active",
        "expiry": None,
        "posts": "0",
        "orders": [],
    }


# --- Pages -----------------------------------------------------------------------------------------


def test_member_subscribes_from_the_new_order_page(client, funded, service, at_noon):
    sign_in(client, funded.email)
    form = client.get(f"/orders/new/?service={service.pk}").content.decode()
    assert 'name="username"' in form and 'name="expiry"' in form and 'name="link"' not in form
    response = client.post(
        "/orders/new/",
        {
            "service": service.pk,
            "username": "@somchai.shop",
            "min": "100",
            "max": "200",
            "posts": "5",
            "delay": "30",
            "expiry": "25/12/2026",
            "idempotency_key": "page-1",
        },
    )
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{subscription.pk}/"
    assert (subscription.posts, subscription.delay, subscription.expiry) == (5, 30, date(2026, 12, 25))


def test_the_new_order_page_shows_a_refusal_and_keeps_what_was_typed(client, funded, service, at_noon):
    sign_in(client, funded.email)
    page = client.post(
        "/orders/new/",
        {
            "service": service.pk,
            "username": "@somchai.shop",
            "min": "100",
            "max": "200",
            "expiry": "1/1/2020",
        },
    ).content.decode()
    assert "order-error" in page and "@somchai.shop" in page
    assert not Subscription.objects.exists()


def test_member_sees_the_subscription_and_pauses_it_from_its_page(client, subscription, funded, staff):
    child = record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)
    sign_in(client, funded.email)
    page = client.get(f"/orders/{subscription.pk}/").content.decode()
    assert "subscription-status" in page and 'value="pause"' in page
    assert f"/orders/{child.pk}/" in page and POST.format(1) in page
    client.post(f"/orders/{subscription.pk}/", {"action": "pause"})
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.PAUSED
    page = client.get(f"/orders/{subscription.pk}/").content.decode()
    assert 'value="resume"' in page and 'value="pause"' not in page
    assert f"/orders/{subscription.pk}/" in client.get(f"/orders/{child.pk}/").content.decode()


def test_a_short_balance_reason_is_shown_to_the_member(client, member, service, at_noon, staff):
    subscription = subscribe(member, service)
    with pytest.raises(InsufficientFunds):
        record_post(subscription=subscription, link=POST.format(1), quantity=100, by=staff)
    sign_in(client, member.email)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(f"/orders/{subscription.pk}/").content.decode()
    assert "Not enough funds on balance for the next post" in page and 'value="resume"' in page


def test_staff_record_a_post_from_the_queue_and_its_order_waits_out_the_delay(
    client, subscription, make_staff, at_noon
):
    staff, secret = make_staff("marketing", email="queue@example.test")
    sign_in(client, staff.email, totp_secret=secret)
    queue = client.get("/staff/orders/").content.decode()
    assert f"subscription-{subscription.pk}" in queue
    assert f"queue-{subscription.pk}" not in queue  # the anchor is no order to start or complete
    client.post(
        f"/staff/orders/{subscription.pk}/",
        {"action": "record_post", "link": POST.format(1), "quantity": "150"},
    )
    child = subscription.post_orders.get().order
    assert (child.quantity, child.charge) == (150, Decimal("13.50000"))
    assert f"queue-{child.pk}" not in client.get("/staff/orders/").content.decode()  # 30 min delay
    at_noon.advance(timedelta(minutes=30))
    assert f"queue-{child.pk}" in client.get("/staff/orders/").content.decode()


def test_staff_cannot_complete_a_subscription_as_if_it_were_an_order(client, subscription, make_staff):
    staff, secret = make_staff("marketing", email="queue@example.test")
    sign_in(client, staff.email, totp_secret=secret)
    client.post(f"/staff/orders/{subscription.pk}/", {"action": "complete"})
    assert Order.objects.get(pk=subscription.pk).status == Status.IN_PROGRESS
    assert Subscription.objects.get(pk=subscription.pk).status == SubscriptionStatus.ACTIVE
