"""Consultations (issue 8, point 1): a member asks, with files; support answers from a queue with
first-response and resolution times, assignment, internal notes and canned replies in th / en / ko;
the member is notified on the site and by email; complaints are kept 5 years under the complaint rule."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from snshelper.core import clamav
from snshelper.core import clock as clock_module
from snshelper.core.uploads import UploadInfected, UploadRefused
from snshelper.notifications.models import Notification
from snshelper.orders import services as orders
from snshelper.privacy import sweeps
from snshelper.privacy.retention import add_months
from snshelper.staff.models import RevealLog
from snshelper.support import selectors, services
from snshelper.support.errors import ConsultationError, NotAllowedNow, ReopenTooLate
from snshelper.support.models import Attachment, Consultation, Message, Status, Topic
from snshelper.wallet import services as wallet
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Bangkok
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def png(name="screenshot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT, "consultations").rglob("*") if p.is_file()]


@pytest.fixture
def order(funded, make_service):
    return orders.place_order(
        member=funded, service=make_service(), link="https://instagram.com/somchai", quantity=100
    )


@pytest.fixture
def support(make_staff):
    staff, _secret = make_staff("support")
    return staff


@pytest.fixture
def support_client(client, make_staff):
    staff, secret = make_staff("support", email="desk@example.test")
    sign_in(client, staff.email, totp_secret=secret)
    client.staff = staff
    return client


def ask(member, **fields) -> Consultation:
    values = {"topic": Topic.OTHER, "subject": "A question", "body": "How long does it take?", **fields}
    return services.open_consultation(member=member, **values)


# --- The scenario the issue asks for -------------------------------------------------------------


def test_member_opens_with_attachment_support_replies_member_notified_on_site_and_by_email_then_closed(
    client, order, make_staff, django_capture_on_commit_callbacks
):
    member = order.member
    sign_in(client, member.email)
    page = client.get(f"/support/new/?order={order.pk}", **EN)
    assert page.context["form"].initial == {"order": order.pk, "topic": Topic.ORDER}

    response = client.post(
        "/support/new/",
        {
            "topic": Topic.ORDER,
            "order": order.pk,
            "subject": "Followers not arriving",
            "body": "It has been two days.",
            "files": [png()],
        },
        **EN,
    )
    consultation = Consultation.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == f"/support/{consultation.number}/"
    assert consultation.number.startswith("C-") and len(consultation.number) == 10
    assert (consultation.order, consultation.status, consultation.is_complaint) == (
        order,
        Status.WAITING,
        False,
    )
    (attachment,) = Attachment.objects.filter(message__consultation=consultation)
    assert attachment.content_type == "image/png" and attachment.original_name == "screenshot.png"
    assert stored_files() == [Path(settings.MEDIA_ROOT) / attachment.file.name]
    assert "screenshot" not in attachment.file.name  # a random name, not the member's

    staff, secret = make_staff("support")
    desk = client.__class__()
    sign_in(desk, staff.email, totp_secret=secret)
    assert consultation.number in desk.get("/staff/support/", **EN).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            f"/staff/support/{consultation.number}/reply/", {"body": "We restarted it for you."}, **EN
        )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Status.ANSWERED and consultation.first_response_at is not None

    notice = Notification.objects.get(member=member, kind="consultation_reply")
    assert notice.params == {"number": consultation.number}
    assert notice.link == f"/support/{consultation.number}/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    assert consultation.number in mail.outbox[0].subject + mail.outbox[0].body

    thread = client.get(f"/support/{consultation.number}/", **EN).content.decode()
    assert "We restarted it for you." in thread and "screenshot.png" in thread
    assert client.get(f"/support/attachments/{attachment.pk}/").status_code == 200

    client.post(f"/support/{consultation.number}/close/", **EN)
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED and consultation.closed_at is not None


def test_a_complaint_is_kept_under_the_five_year_rule(member, support, clock):
    clock.travel_to(T0)
    complaint = ask(member, topic=Topic.COMPLAINT, subject="Rude answer", files=[png()])
    assert complaint.is_complaint
    services.reply(consultation=complaint, author=support, body="We are sorry.")
    services.close(consultation=complaint, by=support)
    (path,) = stored_files()

    clock_module.travel_to(add_months(T0, 12) + timedelta(days=1))
    sweeps.run()
    assert Consultation.objects.filter(pk=complaint.pk).exists()  # not under the 12-month rule
    clock_module.travel_to(add_months(T0, 60) - timedelta(days=1))
    sweeps.run()
    assert Consultation.objects.filter(pk=complaint.pk).exists()
    clock_module.travel_to(add_months(T0, 60) + timedelta(days=1))
    sweeps.run()
    assert not Consultation.objects.filter(pk=complaint.pk).exists()
    assert not Message.objects.exists() and not Attachment.objects.exists() and not path.exists()


# --- Status and its transitions --------------------------------------------------------------------


def test_replies_move_the_status_along_the_table(member, support):
    consultation = ask(member)
    assert consultation.status == Status.WAITING
    services.reply(consultation=consultation, author=member, body="Any news?")
    assert consultation.status == Status.WAITING
    services.reply(consultation=consultation, author=support, body="Yes.")
    assert consultation.status == Status.ANSWERED
    services.reply(consultation=consultation, author=member, body="Thanks, one more thing.")
    assert consultation.status == Status.WAITING
    services.close(consultation=consultation, by=member)
    assert consultation.status == Status.CLOSED
    with pytest.raises(ConsultationError):
        services.reply(consultation=consultation, author=member, body="Hello?")
    with pytest.raises(NotAllowedNow):
        services.close(consultation=consultation, by=support)
    services.reopen(consultation=consultation, by=member)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.closed_at, consultation.reopened_count) == (
        Status.WAITING,
        None,
        1,
    )
    with pytest.raises(NotAllowedNow):
        services.reopen(consultation=consultation, by=member)


def test_members_reopen_within_thirty_days_staff_at_any_time(member, support, clock):
    clock.travel_to(T0)
    consultation = ask(member)
    services.close(consultation=consultation, by=member)
    clock_module.travel_to(T0 + timedelta(days=31))
    with translation.override("en"), pytest.raises(ReopenTooLate, match="more than 30 days"):
        services.reopen(consultation=consultation, by=member)
    services.reopen(consultation=consultation, by=support)
    assert consultation.status == Status.WAITING
    assert consultation.due_at == T0 + timedelta(days=31, hours=24)


def test_the_first_staff_reply_is_the_first_response_and_notes_are_not(member, support, clock):
    clock.travel_to(T0)
    consultation = ask(member)
    clock_module.travel_to(T0 + timedelta(hours=1))
    services.reply(consultation=consultation, author=support, body="Checked the provider.", internal=True)
    assert consultation.first_response_at is None and consultation.status == Status.WAITING
    clock_module.travel_to(T0 + timedelta(hours=2, minutes=30))
    services.reply(consultation=consultation, author=support, body="Done.")
    clock_module.travel_to(T0 + timedelta(hours=5))
    services.reply(consultation=consultation, author=support, body="Anything else?")
    clock_module.travel_to(T0 + timedelta(days=1, hours=3))
    services.close(consultation=consultation, by=support)
    consultation.refresh_from_db()
    assert selectors.first_response_time(consultation) == timedelta(hours=2, minutes=30)
    assert selectors.resolution_time(consultation) == timedelta(days=1, hours=3)
    times = selectors.queue_times()
    assert (times.average_first_response, times.average_resolution) == (
        timedelta(hours=2, minutes=30),
        timedelta(days=1, hours=3),
    )


def test_a_member_cannot_write_an_internal_note(member):
    with pytest.raises(ConsultationError):
        services.reply(consultation=ask(member), author=member, body="psst", internal=True)


def test_staff_closing_notifies_the_member_and_a_note_does_not(
    member, support, django_capture_on_commit_callbacks
):
    consultation = ask(member)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(consultation=consultation, author=support, body="Internal only", internal=True)
        services.close(consultation=consultation, by=support)
    assert list(Notification.objects.filter(member=member).values_list("kind", flat=True)) == [
        "consultation_closed"
    ]
    assert len(mail.outbox) == 1


def test_a_member_closing_is_not_notified_to_them(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.close(consultation=ask(member), by=member)
    assert not Notification.objects.exists() and mail.outbox == []


# --- What may be linked and uploaded -------------------------------------------------------------


def test_only_the_members_own_order_or_top_up_may_be_linked(member, make_member, order):
    other = make_member()
    with pytest.raises(ConsultationError):
        ask(other, topic=Topic.ORDER, order=order)
    top_up = wallet.create_promptpay_top_up(member=member, amount=Decimal("300"))
    with pytest.raises(ConsultationError):
        ask(other, topic=Topic.PAYMENT, top_up=top_up)
    assert ask(member, topic=Topic.PAYMENT, top_up=top_up).top_up == top_up
    assert Consultation.objects.filter(member=other).count() == 0


def test_a_forged_order_on_the_form_is_refused(client, make_member, order):
    other = make_member()
    sign_in(client, other.email)
    response = client.post(
        "/support/new/", {"topic": "order", "order": order.pk, "subject": "x", "body": "y"}, **EN
    )
    assert response.status_code == 200 and "order" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_a_refused_upload_stores_nothing(member, monkeypatch):
    not_an_image = SimpleUploadedFile("invoice.png", b"MZ\x90\x00 this is an exe", content_type="image/png")
    with pytest.raises(UploadRefused):
        ask(member, files=[png(), not_an_image])
    assert not Consultation.objects.exists() and not Message.objects.exists() and stored_files() == []

    monkeypatch.setattr(clamav, "configured", lambda: True)
    monkeypatch.setattr(clamav, "scan", lambda upload: clamav.Verdict(infected=True, signature="Eicar-Test"))
    with pytest.raises(UploadInfected):
        ask(member, files=[png()])
    assert not Consultation.objects.exists() and stored_files() == []


def test_a_reply_that_fails_after_storing_its_file_leaves_no_file(member, monkeypatch):
    consultation = ask(member)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_notify", broken)
    monkeypatch.setattr(Consultation, "save", broken)
    with pytest.raises(RuntimeError):
        services.reply(consultation=consultation, author=member, body="See the file", files=[png()])
    assert Message.objects.count() == 1 and stored_files() == []


def test_an_infected_attachment_is_shown_as_a_form_error(client, member, monkeypatch):
    monkeypatch.setattr(clamav, "configured", lambda: True)
    monkeypatch.setattr(clamav, "scan", lambda upload: clamav.Verdict(infected=True, signature="Eicar-Test"))
    sign_in(client, member.email)
    response = client.post(
        "/support/new/", {"topic": "other", "subject": "x", "body": "y", "files": [png()]}, **EN
    )
    assert "our virus scanner found malware" in response.content.decode()
    assert not Consultation.objects.exists()


def test_too_many_files_are_refused(member):
    with pytest.raises(UploadRefused):
        ask(member, files=[png(), png(), png(), png()])
    assert stored_files() == []


# --- Who sees what -------------------------------------------------------------------------------


def test_another_member_gets_404_for_the_consultation_and_its_files(client, member, make_member):
    consultation = ask(member, files=[png()])
    attachment = Attachment.objects.get()
    sign_in(client, make_member().email)
    assert client.get(f"/support/{consultation.number}/").status_code == 404
    assert client.get(f"/support/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/support/{consultation.number}/close/").status_code == 404
    assert client.post(f"/support/{consultation.number}/", {"body": "hijack"}).status_code == 404
    assert Message.objects.count() == 1


def test_attachments_are_never_public(client, member):
    consultation = ask(member, files=[png()])
    attachment = Attachment.objects.get()
    assert client.get(f"/support/attachments/{attachment.pk}/").status_code == 302  # to sign in
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(f"/staff/support/attachments/{attachment.pk}/").status_code == 302
    assert consultation.number


def test_internal_notes_never_reach_the_member(client, member, support):
    consultation = ask(member, files=[png()])
    note = services.reply(
        consultation=consultation, author=support, body="Member seems to resell", files=[png("note.png")]
    )
    Message.objects.filter(pk=note.pk).update(internal=True)
    sign_in(client, member.email)
    page = client.get(f"/support/{consultation.number}/", **EN).content.decode()
    assert "resell" not in page and "note.png" not in page
    note_file = Attachment.objects.get(message=note)
    assert client.get(f"/support/attachments/{note_file.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["marketing", "finance", "administrator"])
def test_staff_of_other_roles_are_refused(client, member, make_staff, role):
    consultation = ask(member, topic=Topic.COMPLAINT)
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get("/staff/support/").status_code == 403
    assert client.get(f"/staff/support/{consultation.number}/").status_code == 403
    assert client.post(f"/staff/support/{consultation.number}/reply/", {"body": "x"}).status_code == 403
    assert Message.objects.count() == 1


def test_the_privacy_officer_reads_complaints_only_and_writes_nothing(client, member, make_staff):
    complaint = ask(member, topic=Topic.COMPLAINT, subject="Complaint about my data")
    ordinary = ask(member, subject="Ordinary question")
    officer, secret = make_staff("privacy_officer")
    sign_in(client, officer.email, totp_secret=secret)
    queue = client.get("/staff/support/?filter=waiting", **EN).content.decode()
    assert complaint.number in queue and ordinary.number not in queue
    page = client.get(f"/staff/support/{complaint.number}/", **EN)
    assert page.status_code == 200 and 'data-testid="reply-form"' not in page.content.decode()
    assert client.get(f"/staff/support/{ordinary.number}/").status_code == 404
    assert client.post(f"/staff/support/{complaint.number}/reply/", {"body": "x"}).status_code == 403


def test_staff_page_shows_member_id_and_name_with_contact_masked_until_revealed(support_client, make_member):
    member = make_member(email="nong.mai@example.test", name="Nong Mai", phone="0812345678")
    consultation = ask(member)
    page = support_client.get(f"/staff/support/{consultation.number}/", **EN).content.decode()
    assert member.member_id in page and "Nong Mai" in page
    assert "nong.mai@example.test" not in page and "0812345678" not in page
    page = support_client.post(
        f"/staff/support/{consultation.number}/", {"reveal": "1", "reason": "Call back asked"}, **EN
    ).content.decode()
    assert "nong.mai@example.test" in page and "0812345678" in page
    assert RevealLog.objects.filter(staff=support_client.staff, member=member).count() == 2


# --- Canned replies, assignment, dispute flag ------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"), [("th", "ขอบคุณที่รอ"), ("en", "Thank you for waiting"), ("ko", "기다려 주셔서")]
)
def test_a_canned_reply_is_inserted_in_the_members_language(support_client, make_member, language, expected):
    member = make_member(language=language)
    consultation = ask(member)
    canned = services.save_canned_reply(
        title="Waiting",
        body_th="ขอบคุณที่รอ",
        body_en="Thank you for waiting",
        body_ko="기다려 주셔서 감사합니다",
    )
    page = support_client.get(f"/staff/support/{consultation.number}/?canned={canned.pk}", **EN)
    assert page.context["form"]["body"].value().startswith(expected)


def test_staff_create_and_edit_canned_replies(support_client):
    data = {
        "title": "Refill",
        "body_th": "เติมแล้ว",
        "body_en": "Refilled",
        "body_ko": "리필 완료",
        "active": "on",
    }
    assert support_client.post("/staff/support/canned/new/", data).status_code == 302
    canned = selectors.canned_reply(selectors.canned_replies().get().pk)
    response = support_client.post(
        f"/staff/support/canned/{canned.pk}/", {**data, "body_en": "Refilled today", "active": ""}
    )
    assert response.status_code == 302
    canned.refresh_from_db()
    assert (canned.body_en, canned.active) == ("Refilled today", False)
    assert not selectors.canned_replies().exists()
    assert support_client.post("/staff/support/canned/new/", {**data, "body_ko": ""}).status_code == 200


def test_assign_to_me_and_to_a_colleague_of_the_support_role_only(support_client, member, make_staff):
    consultation = ask(member)
    support_client.post(f"/staff/support/{consultation.number}/assign/", {"to": "me"})
    consultation.refresh_from_db()
    assert consultation.assigned_to == support_client.staff
    colleague, _ = make_staff("support", email="colleague@example.test")
    marketer, _ = make_staff("marketing")
    support_client.post(f"/staff/support/{consultation.number}/assign/", {"to": colleague.pk})
    consultation.refresh_from_db()
    assert consultation.assigned_to == colleague
    assert (
        support_client.post(f"/staff/support/{consultation.number}/assign/", {"to": marketer.pk}).status_code
        == 404
    )
    with pytest.raises(ConsultationError):
        services.assign(consultation=consultation, to=marketer, by=support_client.staff)


def test_staff_flag_a_dispute_and_a_complaint_stays_one(member, support):
    consultation = ask(member, topic=Topic.ORDER)
    services.flag_dispute(consultation=consultation, by=support)
    assert Consultation.objects.get(pk=consultation.pk).is_complaint
    services.flag_dispute(consultation=consultation, by=support, disputed=False)
    assert not Consultation.objects.get(pk=consultation.pk).is_complaint
    complaint = ask(member, topic=Topic.COMPLAINT)
    with pytest.raises(ConsultationError):
        services.flag_dispute(consultation=complaint, by=support, disputed=False)


def test_staff_pages_reply_note_close_and_reopen(support_client, member):
    consultation = ask(member)
    url = f"/staff/support/{consultation.number}/"
    support_client.post(url + "reply/", {"body": "Looks like a provider delay", "internal": "on"})
    support_client.post(url + "reply/", {"body": "We are on it"})
    support_client.post(url + "close/")
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    page = support_client.get(url, **EN).content.decode()
    assert 'data-testid="internal-note"' in page and "We are on it" in page
    support_client.post(url + "reopen/")
    consultation.refresh_from_db()
    assert consultation.status == Status.WAITING and consultation.reopened_count == 1
    assert [m.internal for m in consultation.messages.all()] == [False, True, False]


# --- The queue --------------------------------------------------------------------------------------


def test_queue_filters_and_counts(member, make_member, support, make_staff, clock):
    clock.travel_to(T0)
    colleague, _ = make_staff("support", email="colleague@example.test")
    old = ask(member, subject="old")  # due T0 + 24 h
    clock_module.travel_to(T0 + timedelta(hours=20))
    mine = ask(member, subject="mine")
    services.assign(consultation=mine, to=support, by=support)
    theirs = ask(make_member(), subject="theirs")
    services.assign(consultation=theirs, to=colleague, by=colleague)
    answered = ask(member, subject="answered")
    services.reply(consultation=answered, author=support, body="Done")
    ask(member, topic=Topic.COMPLAINT, subject="complaint")
    closed = ask(member, subject="closed")
    services.close(consultation=closed, by=member)
    clock_module.travel_to(T0 + timedelta(hours=25))

    def numbers(name):
        return {c.subject for c in selectors.queue(filter=name, staff=support)}

    assert numbers("waiting") == {"old", "mine", "theirs", "complaint"}
    assert [c.subject for c in selectors.queue(filter="waiting")][0] == "old"  # the most urgent first
    assert numbers("mine") == {"mine"}
    assert numbers("unassigned") == {"old", "answered", "complaint"}
    assert numbers("overdue") == {"old"}
    assert numbers("complaints") == {"complaint"}
    assert numbers("closed") == {"closed"}
    assert selectors.queue_counts() == {"waiting": 4, "overdue": 1}
    assert selectors.is_overdue(old) and not selectors.is_overdue(mine)


def test_the_queue_page_shows_times_and_marks_overdue(support_client, member, clock):
    clock.travel_to(T0)
    late = ask(member, subject="Late one")
    clock_module.travel_to(T0 + timedelta(hours=30))
    page = support_client.get("/staff/support/?filter=overdue", **EN).content.decode()
    assert late.number in page and 'class="overdue"' in page
    services.reply(consultation=late, author=support_client.staff, body="Sorry for the wait")
    page = support_client.get("/staff/support/?filter=all", **EN)
    assert "30 h 0 min" in page.content.decode() or "1 d 6 h" in page.content.decode()
    assert (
        support_client.get(f"/staff/support/?q={member.member_id}&filter=all").context["page"].paginator.count
        == 1
    )
