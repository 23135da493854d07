"""Data-subject requests (P9–P12), the officer's desk (P8) and the disclosure register (P7, P10, P11)."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from snshelper.accounts import services as account_services
from snshelper.core import clock as clock_module
from snshelper.notifications import services as notices
from snshelper.notifications.models import Notification
from snshelper.privacy import restrictions
from snshelper.privacy.models import (
    CorrectionNotice,
    DataSubjectRequest,
    DeadlineAlert,
    Disclosure,
    RefusalGround,
)
from snshelper.privacy_rights import disclosures, tasks
from snshelper.privacy_rights.desk import alerts
from snshelper.privacy_rights.requests import identity, inquiries
from snshelper.privacy_rights.requests import services as requests
from snshelper.wallet import services as wallet_services
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def _code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def verify_identity(client, member, password=PASSWORD):
    client.post("/account/privacy/verify/", {"action": "send"})
    code = _code_from_mail()
    return client.post(
        "/account/privacy/verify/?next=/account/privacy/",
        {"action": "verify", "password": password, "code": code, "next": "/account/privacy/"},
    )


@pytest.fixture
def signed_in(client, member):
    sign_in(client, member.email)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the messages below are read in English
    return client


@pytest.fixture
def officer(make_staff, client):
    staff, secret = make_staff("privacy_officer")
    return staff, secret


def _order(member, make_service, link="https://instagram.com/somchai.shop"):
    from snshelper.orders import services as orders

    return orders.place_order(member=member, service=make_service(), link=link, quantity=100)


# --- P9: identity verification before any right is used ------------------------------------


@pytest.mark.parametrize(
    "path", ["/account/privacy/correct/", "/account/privacy/delete/", "/account/privacy/suspend/"]
)
def test_p9_an_unverified_member_cannot_make_a_request(signed_in, path):
    response = signed_in.post(path, {"target": "orders.Order.link", "value": "x", "details": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/account/privacy/verify/")
    assert DataSubjectRequest.objects.count() == 0


def test_p9_identity_needs_the_password_and_the_emailed_code(signed_in, member):
    signed_in.post("/account/privacy/verify/", {"action": "send"})
    assert mail.outbox[-1].to == [member.email]
    code = _code_from_mail()
    wrong_password = signed_in.post(
        "/account/privacy/verify/", {"action": "verify", "password": "not-it", "code": code}
    )
    assert "could not verify" in wrong_password.content.decode()
    wrong_code = signed_in.post(
        "/account/privacy/verify/", {"action": "verify", "password": PASSWORD, "code": "000000"}
    )
    assert "could not verify" in wrong_code.content.decode()
    ok = signed_in.post(
        "/account/privacy/verify/",
        {"action": "verify", "password": PASSWORD, "code": code, "next": "/account/privacy/correct/"},
    )
    assert ok.status_code == 302 and ok["Location"] == "/account/privacy/correct/"
    assert signed_in.get("/account/privacy/correct/").status_code == 200


def test_p9_a_code_expires_and_verification_lapses(signed_in, member, clock):
    signed_in.post("/account/privacy/verify/", {"action": "send"})
    code = _code_from_mail()
    clock.advance(timedelta(minutes=identity.CODE_MINUTES, seconds=1))
    late = signed_in.post(
        "/account/privacy/verify/", {"action": "verify", "password": PASSWORD, "code": code}
    )
    assert "expired" in late.content.decode()
    verify_identity(signed_in, member)
    assert signed_in.get("/account/privacy/suspend/").status_code == 200
    clock.advance(timedelta(minutes=identity.VERIFIED_MINUTES, seconds=1))
    assert signed_in.get("/account/privacy/suspend/").status_code == 302


def test_p9_guessing_codes_is_cut_off(signed_in, member):
    signed_in.post("/account/privacy/verify/", {"action": "send"})
    code = _code_from_mail()
    for _ in range(identity.MAX_ATTEMPTS):
        signed_in.post(
            "/account/privacy/verify/", {"action": "verify", "password": PASSWORD, "code": "123456"}
        )
    last = signed_in.post(
        "/account/privacy/verify/", {"action": "verify", "password": PASSWORD, "code": code}
    )
    assert "Ask for a new code" in last.content.decode()
    assert not identity.is_verified(last.wsgi_request)


def test_p9_requests_get_a_ten_day_due_date_and_overdue_ones_are_flagged_on_the_desk(
    client, member, officer, clock
):
    data_request = requests.request_suspension(
        member=member, details="Stop using my data for anything optional."
    )
    assert data_request.due_at == data_request.created_at + timedelta(days=10)
    staff, secret = officer
    sign_in(client, staff.email, totp_secret=secret)
    assert "overdue" not in client.get("/staff/privacy/").content.decode().lower()
    clock.advance(timedelta(days=10, minutes=1))
    page = client.get("/staff/privacy/").content.decode()
    assert 'data-testid="overdue-count"' in page and 'class="overdue"' in page


def test_p9_every_step_of_a_request_is_logged(member, officer):
    data_request = requests.request_suspension(member=member, details="Please stop.")
    requests.carry_out(request=data_request, by=officer[0], answer="Stopped.")
    actions = list(data_request.steps.values_list("action", flat=True))
    assert actions == ["received", "processing stopped"]


def test_p9_suspension_stops_notices_the_law_does_not_require(
    member, officer, django_capture_on_commit_callbacks
):
    member.language = "en"
    member.save()
    data_request = requests.request_suspension(member=member, details="Please stop.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        requests.carry_out(request=data_request, by=officer[0])
    assert restrictions.processing_suspended(member)
    # A notice the law does not require is no longer made...
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.notify(member=member, kind="order_started", params={"number": 1}) is None
    # ...but the answer to the request is (required): in the notification centre and by email.
    notice = Notification.objects.get(member=member)
    assert (notice.kind, notice.required) == ("privacy_request_answered", True)
    [message] = mail.outbox
    assert message.to == [member.email]
    assert f"Your request #{data_request.pk} (Stop processing my data) is now: Done." in message.body
    # So are the officer's answers, and the codes the member asks for to use their rights.
    inquiry = inquiries.ask(member=member, kind="question", subject="Still?", body="Is it stopped?")
    with django_capture_on_commit_callbacks(execute=True):
        inquiries.answer(inquiry=inquiry, by=officer[0], text="Yes, it is stopped.")
    assert Notification.objects.filter(member=member, kind="privacy_inquiry_answered").exists()
    assert "Yes, it is stopped." in mail.outbox[-1].body
    identity.start_check(member=member)
    assert mail.outbox[-1].to == [member.email] and re.search(r"\b\d{6}\b", mail.outbox[-1].body)


# --- Correction through the pages, and P10 / P11 -------------------------------------------


def test_member_asks_a_correction_through_the_pages_and_the_officer_carries_it_out(
    client, member, make_service, funded, officer, django_capture_on_commit_callbacks
):
    order = _order(member, make_service)
    sign_in(client, member.email)
    verify_identity(client, member)
    response = client.post(
        "/account/privacy/correct/",
        {
            "target": "orders.Order.link",
            "record_id": str(order.pk),
            "value": "https://instagram.com/somchai.new",
        },
    )
    assert response.status_code == 302
    data_request = DataSubjectRequest.objects.get(kind="correct")
    assert data_request.target_id == str(order.pk)
    staff, secret = officer
    client.logout()
    sign_in(client, staff.email, totp_secret=secret)
    page = client.get(f"/staff/privacy/requests/{data_request.pk}/").content.decode()
    assert (
        "https://instagram.com/somchai.shop" not in page and "https://instagram.com/somchai.new" not in page
    )
    shown = client.post(
        f"/staff/privacy/requests/{data_request.pk}/", {"action": "reveal", "reason": "Deciding request"}
    ).content.decode()  # masked until revealed with a reason, and each reveal logged (P16)
    assert "https://instagram.com/somchai.shop" in shown and "https://instagram.com/somchai.new" in shown
    from snshelper.staff.models import RevealLog

    assert sorted(RevealLog.objects.values_list("field", flat=True)) == [
        "orders.Order.link",
        "privacy.DataSubjectRequest.requested_value",
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/staff/privacy/requests/{data_request.pk}/", {"action": "carry_out", "answer": "Fixed."}
        )
    order.refresh_from_db()
    assert order.link == "https://instagram.com/somchai.new"
    [message] = mail.outbox  # the answer, by email, in the member's language (Thai by default)
    assert message.to == [member.email] and "Fixed." in message.body
    assert "/account/privacy/" in message.body
    notice = Notification.objects.get(member=member, kind="privacy_request_answered")
    assert notice.params["status"] == "done" and notice.link == "/account/privacy/"


def test_fields_the_member_edits_themselves_are_not_a_request(member):
    with pytest.raises(requests.RequestRefused):
        requests.request_correction(member=member, target_key="accounts.Member.name", value="New Name")


def test_a_request_about_another_members_record_is_refused(member, make_member, make_service):
    from snshelper.wallet import services as wallet

    other = make_member(email="other@example.test")
    wallet.credit_top_up(member=other, amount=Decimal("500"), idempotency_key="other")
    their_order = _order(other, make_service)
    with pytest.raises(requests.RequestRefused):
        requests.request_correction(
            member=member,
            target_key="orders.Order.link",
            record_id=their_order.pk,
            value="https://x.test",
        )


def test_p10_data_under_correction_is_not_provided_to_a_third_party(member, officer):
    member.phone = "0812345678"
    member.save()
    # The phone is corrected on the profile page at once; an officer may still hold a request
    # about it open (e.g. one the member sent by mail), and then it is not provided either.
    data_request = DataSubjectRequest.objects.create(
        member=member,
        kind="correct",
        target="accounts.Member.phone",
        target_id=str(member.pk),
        requested_value="0899999999",
        due_at=clock_module.now() + timedelta(days=10),
        verified_at=clock_module.now(),
    )
    with translation.override("en"), pytest.raises(disclosures.DisclosureRefused, match="being corrected"):
        disclosures.record_disclosure(
            by=officer[0],
            recipient="Royal Thai Police",
            legal_basis="Criminal Procedure Code s.132, warrant 123/2569",
            fields=["accounts.Member.phone"],
            member_ids=[member.member_id],
            disclosed_at=clock_module.now(),
        )
    assert Disclosure.objects.count() == 0
    data_request.status = "done"
    data_request.save()
    disclosures.record_disclosure(
        by=officer[0],
        recipient="Royal Thai Police",
        legal_basis="Criminal Procedure Code s.132, warrant 123/2569",
        fields=["accounts.Member.phone"],
        member_ids=[member.member_id],
        disclosed_at=clock_module.now(),
    )
    assert Disclosure.objects.count() == 1


def test_p10_an_order_under_correction_waits_before_it_goes_to_the_provider(funded, sold, simulator, clock):
    from snshelper.orders import services as orders
    from snshelper.providers import forwarding
    from snshelper.providers.models import Forwarding

    old, new = "https://www.instagram.com/p/OldPost01/", "https://www.instagram.com/p/NewPost01/"
    order = orders.place_order(member=funded, service=sold, link=old, quantity=sold.min_quantity)
    data_request = requests.request_correction(
        member=funded, target_key="orders.Order.link", record_id=order.pk, value=new
    )
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == Forwarding.State.QUEUED
    assert simulator.received_adds() == []  # nothing left us while the link was being corrected

    requests.carry_out(request=data_request, by=None)
    clock.advance(forwarding.CORRECTION_WAIT)
    forwarding.forward_due()
    assert Forwarding.objects.get(pk=order.pk).state == Forwarding.State.SENT
    assert [add["link"] for add in simulator.received_adds()] == [new]


def test_p11_correcting_a_disclosed_field_notifies_each_earlier_recipient(
    member, make_service, funded, officer, django_capture_on_commit_callbacks
):
    order = _order(member, make_service)
    for recipient, contact in [("Royal Thai Police", "cyber@police.test"), ("Court of Bangkok", "")]:
        disclosures.record_disclosure(
            by=officer[0],
            recipient=recipient,
            recipient_contact=contact,
            legal_basis="Court order 45/2569",
            fields=["orders.Order.link"],
            member_ids=[member.member_id],
            disclosed_at=clock_module.now(),
        )
    disclosures.record_disclosure(
        by=officer[0],
        recipient="Revenue Department",
        legal_basis="Revenue Code s.19",
        fields=["wallet.TopUp.amount"],
        member_ids=[member.member_id],
        disclosed_at=clock_module.now(),
    )
    data_request = requests.request_correction(
        member=member,
        target_key="orders.Order.link",
        record_id=order.pk,
        value="https://instagram.com/fixed",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        requests.carry_out(request=data_request, by=officer[0])
    notices = CorrectionNotice.objects.order_by("disclosure__recipient")
    assert [n.disclosure.recipient for n in notices] == ["Court of Bangkok", "Royal Thai Police"]
    assert all("https://instagram.com/fixed" in n.text for n in notices)
    police = [m for m in mail.outbox if m.to == ["cyber@police.test"]]
    assert len(police) == 1 and "https://instagram.com/fixed" in police[0].body
    assert notices.get(disclosure__recipient="Royal Thai Police").sent_at is not None
    assert notices.get(disclosure__recipient="Court of Bangkok").sent_at is None  # the officer delivers it


def _disclose(
    officer, member, fields, recipients=(("Royal Thai Police", "cyber@police.test"), ("Court", ""))
):
    for recipient, contact in recipients:
        disclosures.record_disclosure(
            by=officer,
            recipient=recipient,
            recipient_contact=contact,
            legal_basis="Court order 45/2569",
            fields=fields,
            member_ids=[member.member_id],
            disclosed_at=clock_module.now(),
        )


def test_p11_a_member_correcting_a_disclosed_phone_on_the_profile_page_notifies_each_earlier_recipient(
    signed_in, member, officer, django_capture_on_commit_callbacks
):
    account_services.update_profile(member=member, name=member.name, phone="0811111111")
    _disclose(officer[0], member, ["accounts.Member.phone"])
    _disclose(officer[0], member, ["wallet.TopUp.amount"], recipients=[("Revenue Department", "rd@rd.test")])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post("/accounts/profile/", {"name": member.name, "phone": "0822222222"})
    assert response.status_code == 302
    notices_sent = CorrectionNotice.objects.order_by("disclosure__recipient")
    assert [n.disclosure.recipient for n in notices_sent] == ["Court", "Royal Thai Police"]
    assert all("0822222222" in n.text and "on their account pages" in n.text for n in notices_sent)
    assert [m.to for m in mail.outbox] == [["cyber@police.test"]] and "0822222222" in mail.outbox[0].body
    # Saving the page again without a change tells no one anything.
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/profile/", {"name": member.name, "phone": "0822222222"})
    assert CorrectionNotice.objects.count() == 2 and len(mail.outbox) == 1


def test_p11_a_changed_refund_account_or_email_notifies_earlier_recipients(member, officer, client):
    wallet_services.save_refund_account(
        member=member, bank_name="KBank", account_holder="Somchai Jaidee", account_number="1234567890"
    )
    _disclose(
        officer[0],
        member,
        ["wallet.RefundBankAccount.account_number", "accounts.Member.email"],
        recipients=[("Anti-Money Laundering Office", "")],
    )
    wallet_services.save_refund_account(
        member=member, bank_name="KBank", account_holder="Somchai Jaidee", account_number="9876543210"
    )
    [notice] = CorrectionNotice.objects.all()
    assert "9876543210" in notice.text and notice.field == "wallet.RefundBankAccount.account_number"

    EmailAddress.objects.create(user=member, email="somchai.new@example.test", verified=True, primary=False)
    sign_in(client, member.email)
    client.post("/accounts/email/", {"action_primary": "", "email": "somchai.new@example.test"})
    member.refresh_from_db()
    assert member.email == "somchai.new@example.test"
    latest = CorrectionNotice.objects.order_by("-pk").first()
    assert latest.field == "accounts.Member.email" and "somchai.new@example.test" in latest.text


def test_p11_staff_changing_a_disclosed_field_in_the_admin_notifies_earlier_recipients(
    client, member, officer, make_staff
):
    _disclose(officer[0], member, ["accounts.Member.language"], recipients=[("Immigration Bureau", "")])
    admin, secret = make_staff("administrator")
    sign_in(client, admin.email, totp_secret=secret)
    form = {"language": "ko", "is_active": "on", "groups": []}
    response = client.post(f"/admin/accounts/member/{member.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    [notice] = CorrectionNotice.objects.all()
    assert notice.field == "accounts.Member.language" and "by our staff" in notice.text


# --- P12: refusals cite a ground -----------------------------------------------------------


def test_p12_a_refusal_without_a_ground_is_rejected(member, officer):
    data_request = requests.request_suspension(member=member, details="Stop everything.")
    with pytest.raises(requests.RequestRefused):
        requests.refuse(request=data_request, by=officer[0], ground="", reason="We need it.")
    with pytest.raises(requests.RequestRefused):
        requests.refuse(request=data_request, by=officer[0], ground="because", reason="We need it.")
    with pytest.raises(requests.RequestRefused):
        requests.refuse(request=data_request, by=officer[0], ground=RefusalGround.CONTRACT, reason=" ")
    data_request.refresh_from_db()
    assert data_request.status == "open"


def test_p12_the_member_sees_the_ground_and_the_reason(
    client, member, officer, django_capture_on_commit_callbacks
):
    data_request = requests.request_suspension(member=member, details="Stop everything.")
    with django_capture_on_commit_callbacks(execute=True):
        requests.refuse(
            request=data_request,
            by=officer[0],
            ground=RefusalGround.CONTRACT,
            reason="Your order #12 is running and needs your link until it completes.",
        )
    sign_in(client, member.email)
    page = client.get("/account/privacy/").content.decode()
    assert "Your order #12 is running" in page
    assert str(RefusalGround.CONTRACT.label) in page
    message = mail.outbox[-1]
    assert message.to == [member.email] and "Your order #12 is running" in message.body
    with translation.override("th"):  # the member's language
        assert str(RefusalGround.CONTRACT.label) in message.body
    notice = Notification.objects.get(member=member, kind="privacy_request_answered")
    assert notice.required and notice.params["ground"] == RefusalGround.CONTRACT
    assert notice.event_key == f"request:{data_request.pk}:refused"


def test_deleting_an_optional_field_is_carried_out(member, officer):
    member.phone = "0812345678"
    member.save()
    data_request = requests.request_deletion(member=member, target_key="accounts.Member.phone")
    requests.carry_out(request=data_request, by=officer[0])
    member.refresh_from_db()
    assert member.phone == ""


def test_a_field_that_cannot_be_emptied_is_not_deleted_by_hand(member, officer):
    data_request = requests.request_deletion(member=member, target_key="accounts.Member.email")
    with pytest.raises(requests.RequestRefused):
        requests.carry_out(request=data_request, by=officer[0])
    member.refresh_from_db()
    assert member.email == "somchai@example.test"


# --- P8: the officer's desk ----------------------------------------------------------------


def test_p8_questions_reach_the_officer_desk_with_a_due_date_and_the_member_reads_the_answer(
    client, member, officer, django_capture_on_commit_callbacks
):
    sign_in(client, member.email)
    client.post(
        "/account/privacy/ask/",
        {"kind": "complaint", "subject": "Marketing mail", "body": "Why did I get a message from you?"},
    )
    inquiry = member.privacy_inquiries.get()
    assert inquiry.due_at == inquiry.created_at + timedelta(days=10)
    client.logout()
    staff, secret = officer
    sign_in(client, staff.email, totp_secret=secret)
    assert "Marketing mail" in client.get("/staff/privacy/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/staff/privacy/inquiries/{inquiry.pk}/",
            {"answer": "We never send marketing mail; it was not us."},
        )
    client.logout()
    sign_in(client, member.email)
    assert "We never send marketing mail" in client.get("/account/privacy/").content.decode()
    message = mail.outbox[-1]
    assert message.to == [member.email] and "We never send marketing mail; it was not us." in message.body
    assert "Marketing mail" in message.body and "/account/privacy/" in message.body
    notice = Notification.objects.get(member=member)
    assert (notice.kind, notice.required) == ("privacy_inquiry_answered", True)
    assert "We never send marketing mail" in client.get("/notifications/").content.decode()


def test_p8_requests_nearing_their_deadline_alert_the_officer_on_day_7_and_day_9_once_each(
    client, member, officer, clock, settings, monkeypatch
):
    staff = officer[0]
    staff.language = "en"  # the officer reads the alerts in the language of their account
    staff.save()
    settings.PRIVACY_OFFICER_EMAIL = staff.email
    received = clock.now()
    data_request = requests.request_suspension(member=member, details="Stop the optional processing.")
    question = inquiries.ask(member=member, kind="question", subject="My slips", body="How long?")
    early = inquiries.ask(member=member, kind="question", subject="Answered soon", body="?")
    inquiries.answer(inquiry=early, by=officer[0], text="Here.")
    mail.outbox.clear()

    def officer_mail():
        return [m for m in mail.outbox if m.to == [staff.email]]

    clock.travel_to(received + timedelta(days=7) - timedelta(minutes=1))
    tasks.alert_deadlines()  # the periodic job
    assert officer_mail() == [] and not DeadlineAlert.objects.exists()

    clock.travel_to(received + timedelta(days=7, minutes=1))
    tasks.alert_deadlines()
    [day_7] = officer_mail()
    assert f"Request #{data_request.pk} " in day_7.body and f"Question #{question.pk} " in day_7.body
    assert f"Question #{early.pk} " not in day_7.body and member.email not in day_7.body  # no data
    assert set(DeadlineAlert.objects.values_list("day", flat=True)) == {7}
    tasks.alert_deadlines()
    assert len(officer_mail()) == 1  # once each
    sign_in(client, staff.email, totp_secret=officer[1])
    desk = client.get("/staff/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    alerts_html = re.search(r'data-testid="deadline-alerts".*?</section>', desk, re.S).group(0)
    assert f"#{data_request.pk}" in alerts_html and "My slips" in alerts_html and "3 days left" in alerts_html

    requests.carry_out(request=data_request, by=staff, answer="Stopped.")  # answered: no more alerts
    clock.travel_to(received + timedelta(days=9, minutes=1))
    sent = monkeypatch.context()
    with sent as patched:  # the mail server is down: the next run tries again
        patched.setattr(alerts.EmailMessage, "send", lambda self: (_ for _ in ()).throw(OSError("down")))
        tasks.alert_deadlines()
    assert len(officer_mail()) == 1
    tasks.alert_deadlines()
    [_day_7, day_9] = officer_mail()
    assert f"Question #{question.pk} " in day_9.body and "Request #" not in day_9.body
    tasks.alert_deadlines()
    assert len(officer_mail()) == 2
    assert sorted(DeadlineAlert.objects.values_list("day", flat=True)) == [7, 7, 9]


def test_p8_an_inquiry_needs_a_kind_a_subject_and_a_message(member):
    with pytest.raises(inquiries.InquiryRefused):
        inquiries.ask(member=member, kind="praise", subject="Hi", body="Hello")
    with pytest.raises(inquiries.InquiryRefused):
        inquiries.ask(member=member, kind="question", subject="", body="Hello")


@pytest.mark.parametrize("role", ["marketing", "finance", "support", "administrator"])
def test_only_the_privacy_officer_opens_the_desk(client, make_staff, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get("/staff/privacy/").status_code == 403
    assert client.get("/staff/privacy/disclosures/").status_code == 403


# --- P7: the disclosure register -----------------------------------------------------------


def test_p7_a_disclosure_needs_a_legal_basis_and_provides_only_the_chosen_fields_of_the_chosen_members(
    client, member, make_member, officer
):
    member.phone = "0812345678"
    member.save()
    other = make_member(email="other@example.test", name="Other Person")
    with pytest.raises(disclosures.DisclosureRefused):
        disclosures.record_disclosure(
            by=officer[0],
            recipient="A marketing partner",
            legal_basis="",
            fields=["accounts.Member.email"],
            member_ids=[member.member_id],
            disclosed_at=clock_module.now(),
        )
    staff, secret = officer
    sign_in(client, staff.email, totp_secret=secret)
    response = client.post(
        "/staff/privacy/disclosures/new/",
        {
            "recipient": "Royal Thai Police",
            "legal_basis": "Computer Crime Act s.18, request 77/2569",
            "disclosed_on": clock_module.now().date().isoformat(),
            "member_ids": member.member_id,
            "fields": ["accounts.Member.phone", "accounts.Member.name"],
        },
    )
    disclosure = Disclosure.objects.get()
    assert response["Location"] == f"/staff/privacy/disclosures/{disclosure.pk}/"
    bundle = json.loads(client.get(f"/staff/privacy/disclosures/{disclosure.pk}/bundle/").content)
    assert bundle["members"] == [
        {
            "member_id": member.member_id,
            "accounts.Member.phone": ["0812345678"],
            "accounts.Member.name": ["Somchai Jaidee"],
        }
    ]
    raw = client.get(f"/staff/privacy/disclosures/{disclosure.pk}/bundle/").content.decode()
    assert member.email not in raw and other.email not in raw and "Other Person" not in raw
