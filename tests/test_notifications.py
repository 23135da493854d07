"""The one notification service: every notice lands in the member's notification centre and goes
out by their chosen channels (email; LINE push when linked), in their language, through the queue,
with retries and a record of every delivery."""

from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from snshelper.notifications import delivery
from snshelper.notifications import services as notices
from snshelper.notifications.models import Delivery, DeliveryStatus, Notification
from snshelper.orders.models import Status
from snshelper.orders.services import place_order, transition
from snshelper.privacy import restrictions
from snshelper.wallet import services as wallet
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
D = Decimal


def link_line(member, uid="U4af4980629a1b2c3d4e5f60718293a4b"):
    return SocialAccount.objects.create(user=member, provider="line", uid=uid, extra_data={})


@pytest.fixture
def order(funded, make_service):
    service = make_service(rate=D("90"))
    return place_order(member=funded, service=service, link="@somchai.shop", quantity=1000)


def test_order_status_change_for_a_line_linked_member_is_pushed_once_in_their_language(
    order, recorder, django_capture_on_commit_callbacks
):
    member = order.member
    member.language = "en"
    member.save()
    link_line(member)
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.COMPLETED, start_count=10)
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.COMPLETED)  # a status sync repeating itself
    assert len(recorder.pushes) == 1
    push = recorder.pushes[0]
    assert push.to == "U4af4980629a1b2c3d4e5f60718293a4b"
    assert push.authorization == "Bearer test-channel-token"
    assert push.texts[0].startswith(f"Order #{order.pk} is completed")
    assert f"/orders/{order.pk}/" in push.texts[0]
    line = Delivery.objects.get(channel="line")
    assert (line.status, line.attempts) == (DeliveryStatus.SENT, 1)


def test_line_push_in_korean_and_thai(order, recorder, make_member, django_capture_on_commit_callbacks):
    order.member.language = "ko"
    order.member.save()
    link_line(order.member)
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.CANCELED, reason="Link deleted")
    thai = make_member(email="thai@example.test")
    link_line(thai, uid="U0000000000000000000000000000thai")
    wallet.credit_top_up(member=thai, amount=D("100"), idempotency_key="t")
    with django_capture_on_commit_callbacks(execute=True):
        top_up = wallet.create_promptpay_top_up(member=thai, amount=Decimal("100"))
    from snshelper.wallet.models import TopUp

    with django_capture_on_commit_callbacks(execute=True):
        wallet.approve_top_up(top_up=TopUp.objects.get(pk=top_up.pk), by=None)
    korean, thai_push = recorder.pushes
    assert "취소" in korean.texts[0] and "90.00" in korean.texts[0]
    assert thai_push.to.endswith("thai") and "อนุมัติ" in thai_push.texts[0]


def test_a_failed_push_is_retried_later_and_recorded(
    order, recorder, clock, django_capture_on_commit_callbacks
):
    link_line(order.member)
    recorder.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.IN_PROGRESS, start_count=5)
    line = Delivery.objects.get(channel="line")
    assert (line.status, line.attempts) == (DeliveryStatus.PENDING, 1)
    assert "500" in line.last_error and recorder.pushes == []
    assert delivery.deliver_due() == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert delivery.deliver_due() == 1
    line.refresh_from_db()
    assert (line.status, line.attempts, line.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(recorder.pushes) == 1


def test_a_push_whose_answer_was_lost_is_not_delivered_twice(order, recorder, clock):
    """The same retry key sent again: LINE answers 409 and the delivery counts as sent."""
    link_line(order.member)
    notification = notices.notify(member=order.member, kind="order_completed", params={"number": order.pk})
    line = notification.deliveries.get(channel="line")
    delivery.deliver(line.pk)
    Delivery.objects.filter(pk=line.pk).update(status=DeliveryStatus.PENDING)  # as if the answer was lost
    delivery.deliver(line.pk)
    assert len(recorder.pushes) == 1
    assert Delivery.objects.get(pk=line.pk).status == DeliveryStatus.SENT


def test_a_delivery_gives_up_after_the_retry_schedule(order, recorder, clock, settings):
    link_line(order.member)
    recorder.fail_next = 100
    notification = notices.notify(member=order.member, kind="order_completed", params={"number": order.pk})
    line = notification.deliveries.get(channel="line")
    for _ in range(len(settings.NOTICE_RETRY_MINUTES) + 1):
        delivery.deliver(line.pk)
        clock.advance(timedelta(hours=13))
    line.refresh_from_db()
    assert line.status == DeliveryStatus.FAILED
    assert line.attempts == len(settings.NOTICE_RETRY_MINUTES) + 1


def test_top_up_outcomes_reach_the_centre_and_email_in_the_members_language(
    member, django_capture_on_commit_callbacks
):
    member.language = "en"
    member.save()
    top_up = wallet.create_promptpay_top_up(member=member, amount=Decimal("250"))
    from snshelper.wallet.models import TopUp

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        wallet.reject_top_up(top_up=TopUp.objects.get(pk=top_up.pk), by=None, reason="No transfer found.")
    notice = Notification.objects.get(member=member)
    assert notice.kind == "top_up_rejected"
    [message] = mail.outbox
    assert message.to == [member.email]
    assert f"Top-up {top_up.reference} was not approved" in message.subject
    assert "No transfer found." in message.body
    assert notice.deliveries.get().status == DeliveryStatus.SENT


def test_a_member_who_stopped_processing_gets_only_required_notices(
    order, django_capture_on_commit_callbacks
):
    from snshelper.privacy.models import ProcessingSuspension

    ProcessingSuspension.objects.create(member=order.member)
    assert restrictions.processing_suspended(order.member)
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.IN_PROGRESS, start_count=1)  # "started": not required
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.PARTIAL, remains=100)  # money came back: required
    assert list(Notification.objects.values_list("kind", flat=True)) == ["order_partial"]


def test_email_is_not_used_while_the_address_is_being_corrected(member, monkeypatch):
    from snshelper.privacy import restrictions as corrections

    monkeypatch.setattr(corrections, "is_under_correction", lambda m, field: field == "accounts.Member.email")
    mail.outbox.clear()
    notification = notices.notify(member=member, kind="order_completed", params={"number": 7})
    email = notification.deliveries.get(channel="email")
    delivery.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == DeliveryStatus.REFUSED and mail.outbox == []
    assert Notification.objects.filter(member=member).count() == 1  # still on site


def test_one_notice_per_event_and_none_for_a_closed_account(member, make_member):
    assert notices.notify(member=member, kind="order_completed", params={"number": 1}, event_key="order:1:C")
    assert (
        notices.notify(member=member, kind="order_completed", params={"number": 1}, event_key="order:1:C")
        is None
    )
    closed = make_member(email="closed@example.test", is_active=False)
    assert notices.notify(member=closed, kind="order_completed", params={"number": 2}) is None
    assert Notification.objects.count() == 1


def test_members_choose_their_channels(client, member):
    client.login(email=member.email, password=PASSWORD)
    response = client.get("/notifications/settings/", HTTP_ACCEPT_LANGUAGE="en")
    assert "By email" in response.content.decode()
    client.post("/notifications/settings/", {})  # email unticked
    notification = notices.notify(member=member, kind="order_completed", params={"number": 3})
    assert not notification.deliveries.exists()  # the centre only


def test_notification_centre_lists_opens_and_marks_read(client, member, make_member):
    first = notices.notify(member=member, kind="order_completed", params={"number": 11}, link="/orders/11/")
    notices.notify(member=member, kind="order_canceled", params={"number": 12, "refunded": "90.00"})
    other = notices.notify(member=make_member(), kind="order_completed", params={"number": 13})
    client.login(email=member.email, password=PASSWORD)
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Order #11 is completed" in page and "Order #12 is canceled" in page
    assert "Order #13" not in page
    assert 'data-testid="unread-count">2<' in page
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/orders/11/"
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404
    client.post("/notifications/read/")
    assert not Notification.objects.filter(member=member, read_at__isnull=True).exists()
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="unread-count"' not in page


def test_provider_status_reports_make_one_notice_per_change_after_the_batch_commits(
    funded, make_service, django_capture_on_commit_callbacks
):
    from snshelper.orders.services import StatusUpdate, apply_provider_statuses

    service = make_service(rate=D("90"))
    placed = [place_order(member=funded, service=service, link=f"@shop{i}", quantity=100) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        apply_provider_statuses(
            [
                StatusUpdate(placed[0].pk, Status.COMPLETED, start_count=5),
                StatusUpdate(placed[1].pk, Status.CANCELED),
                StatusUpdate(placed[2].pk, Status.PENDING),  # no change: no notice
            ]
        )
    notice_jobs = [c for c in callbacks if "enqueue" in getattr(c, "__qualname__", "")]
    assert len(notice_jobs) >= 1
    made = sorted(Notification.objects.values_list("kind", "event_key"))
    assert made == [
        ("order_canceled", f"order:{placed[1].pk}:Canceled"),
        ("order_completed", f"order:{placed[0].pk}:Completed"),
    ]


def test_a_member_may_keep_order_updates_to_the_centre_and_still_gets_money_notices_by_email(
    order, django_capture_on_commit_callbacks
):
    member = order.member
    notices.choose_channels(member=member, email=True, line=True, order_updates=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(order=order, to=Status.COMPLETED, start_count=10)
    completed = Notification.objects.get(member=member, kind="order_completed")
    assert not completed.deliveries.exists() and mail.outbox == []  # in the centre only
    with django_capture_on_commit_callbacks(execute=True):
        wallet.reject_top_up(
            top_up=wallet.create_promptpay_top_up(member=member, amount=Decimal("100")),
            by=None,
            reason="No transfer.",
        )
    assert len(mail.outbox) == 1  # a top-up's outcome still goes by email
