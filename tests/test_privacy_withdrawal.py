"""Withdrawal (P5): sign-in stops at once, kept data moves to a store only the privacy officer reads,
everything else leaves the ordinary tables, the store is swept 5 years on, and a returning member
is flagged by keyed hash."""

import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from snshelper.accounts import services as account_services
from snshelper.accounts.models import Member
from snshelper.api import services as api_services
from snshelper.core import clock as clock_module
from snshelper.orders import services as orders
from snshelper.orders.models import Order, Status
from snshelper.privacy import registry
from snshelper.privacy.models import PrivacyInquiry, SignupMatch, WithdrawnMember, WithdrawnRecord
from snshelper.privacy_rights.requests import inquiries
from snshelper.privacy_rights.withdrawal import selectors as withdrawn_selectors
from snshelper.privacy_rights.withdrawal import services as withdrawal
from snshelper.staff import roles
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet import services as wallet
from snshelper.wallet.models import RefundBankAccount, TopUp
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
D = Decimal
EMAIL, NAME, PHONE, PHONE_DIGITS = "somchai@example.test", "Somchai Jaidee", "081-234-5678", "0812345678"
POST = "https://www.instagram.com/p/C0ffee123/"


def _png_slip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    return SimpleUploadedFile("slip.png", buffer.getvalue(), content_type="image/png")


def _verify_identity(client, password=PASSWORD):
    client.post("/account/privacy/verify/", {"action": "send"})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post("/account/privacy/verify/", {"action": "verify", "password": password, "code": code})


@pytest.fixture
def settled(member, make_service, make_staff):
    """Somchai after a full history, everything settled: a phone number, a paid top-up with its
    slip, an order completed, a goodwill credit whose memo names him, his balance paid back to his
    bank account, an API key and a complaint to the privacy officer. His balance is ฿0."""
    finance, _ = make_staff(roles.FINANCE)
    marketing, _ = make_staff(roles.MARKETING)
    account_services.update_profile(member=member, name=NAME, phone=PHONE)
    top_up = wallet.create_bank_transfer_top_up(
        member=member,
        amount="1000",
        bank_account="kbank",
        transferred_at=clock_module.now() - timedelta(minutes=3),
        payer_name=NAME,
        payer_bank="SCB",
        slip=_png_slip(),
    )
    wallet.approve_top_up(top_up=top_up, by=finance)
    order = orders.place_order(member=member, service=make_service(), link=POST, quantity=100)
    orders.fulfil(order=order, action="start", by=marketing, start_count=10)
    orders.fulfil(order=order, action="complete", by=marketing)
    wallet.adjust_balance(
        member=member,
        amount=D("10"),
        reason=f"Goodwill for {NAME}, called from {PHONE_DIGITS}",
        by=finance,
        idempotency_key="goodwill",
    )
    wallet.save_refund_account(
        member=member, bank_name="KBank", account_holder=NAME, account_number="123-4-56789-0"
    )
    rest = wallet_selectors.balance(member)
    payout = wallet.request_withdrawal(member=member, amount=rest, idempotency_key="all")
    wallet.pay_withdrawal(withdrawal=payout, by=finance, payout_reference="KB-1")
    api_services.create_key(member=member, name="my panel")
    inquiries.ask(
        member=member,
        kind=PrivacyInquiry.Kind.COMPLAINT,
        subject="Wrong charge",
        body=f"{NAME} here, call me on {PHONE}",
    )
    assert wallet_selectors.balance(member) == 0
    return member


def _ordinary_tables_as_text() -> str:
    """Every column of every row of every table but the withdrawn-member store, cast to text."""
    quote = connection.ops.quote_name
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in (WithdrawnMember._meta.db_table, WithdrawnRecord._meta.db_table):
                continue
            columns = [
                column.name for column in connection.introspection.get_table_description(cursor, table)
            ]
            selected = ", ".join(f"CAST({quote(column)} AS TEXT)" for column in columns)
            cursor.execute(f"SELECT {selected} FROM {quote(table)}")  # noqa: S608
            texts.extend(value for row in cursor.fetchall() for value in row if value is not None)
    return "\n".join(texts).lower()


def _kept(member_id: str) -> dict:
    return withdrawn_selectors.document(WithdrawnMember.objects.get(member_id=member_id))


# --- P5 -------------------------------------------------------------------------------------------


def test_p5_withdrawn_member_cannot_sign_in_and_staff_pages_do_not_show_them(
    client, settled, make_member, make_staff, django_capture_on_commit_callbacks
):
    other_device = client.__class__()
    sign_in(other_device, EMAIL)
    assert other_device.get("/wallet/").status_code == 200
    sign_in(client, EMAIL)
    _verify_identity(client)
    page = client.get("/account/privacy/withdraw/")
    assert page.status_code == 200 and 'data-testid="leave"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/privacy/withdraw/", {"confirm": "on"})
    assert response.status_code == 302 and "/account/privacy/withdraw/goodbye/" in response["Location"]
    goodbye = client.get(response["Location"])
    assert goodbye.status_code == 200 and goodbye["Content-Language"] == settled.language
    assert 'data-testid="goodbye"' in goodbye.content.decode()

    # Signed out everywhere, and no way back in.
    assert client.get("/wallet/").status_code == 302
    assert other_device.get("/wallet/").status_code == 302
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(settled.pk)]
    for email in (EMAIL, Member.objects.get(pk=settled.pk).email):
        refused = sign_in(client.__class__(), email)
        assert refused.status_code == 200  # the sign-in form again, with an error
    assert client.get("/wallet/").status_code == 302

    # The back office's member list and pages do not show them; another member is still there.
    someone = make_member(email="malee@example.test", name="Malee")
    admin, secret = make_staff(roles.ADMINISTRATOR)
    staff_client = client.__class__()
    sign_in(staff_client, admin.email, totp_secret=secret)
    listing = staff_client.get("/admin/accounts/member/").content.decode()
    assert someone.member_id in listing and settled.member_id not in listing
    assert staff_client.get(f"/admin/accounts/member/?q={settled.member_id}").context["cl"].result_count == 0
    assert staff_client.get(f"/admin/accounts/member/{settled.pk}/change/").status_code == 302
    # The separate store has the row.
    assert WithdrawnMember.objects.filter(member_id=settled.member_id).count() == 1


def test_p5_full_text_search_of_ordinary_tables_finds_nothing_of_a_withdrawn_member(
    settled, django_capture_on_commit_callbacks
):
    slip = Path(TopUp.objects.get(member=settled).slip.path)
    before = _ordinary_tables_as_text()
    # The search can see them before (the phone number is encrypted, except where staff wrote it).
    assert EMAIL in before and NAME.lower() in before and PHONE_DIGITS in before
    assert slip.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        withdrawal.withdraw(member=settled)

    after = _ordinary_tables_as_text()
    for clear in (EMAIL, NAME, PHONE, PHONE_DIGITS, "somchai"):
        assert clear.lower() not in after, clear
    assert not slip.exists()
    kept = _kept(settled.member_id)
    assert kept["member"]["email"] == EMAIL
    assert kept["member"]["name"] == NAME and kept["member"]["phone"] == PHONE
    records = kept["records"]
    assert [row["payer_name"] for row in records["wallet.TopUp"]] == [NAME]
    assert [row["account_holder"] for row in records["wallet.RefundBankAccount"]] == [NAME]
    assert [row["link"] for row in records["orders.Order"]] == [POST]
    assert any(PHONE_DIGITS in row["memo"] for row in records["wallet.LedgerTransaction"])
    assert [row["subject"] for row in records["privacy.PrivacyInquiry"]] == ["Wrong charge"]
    assert "accounts.LoginRecord" not in records and "api.ApiKey" not in records
    # What the other records need stays: the order, its amounts, the ledger's balance.
    order = Order.objects.get(member=settled)
    assert order.status == Status.COMPLETED and order.charge == D("9") and order.link == ""
    assert wallet_selectors.balance(settled) == 0 and TopUp.objects.get(member=settled).amount == D("1000")


def test_p5_separate_store_gone_five_years_and_a_day_later(settled, clock):
    from snshelper.privacy import sweeps  # the retention sweep (P4, P6)

    withdrawn_at = clock.now()
    entry = withdrawal.withdraw(member=settled)
    assert entry.destroy_after == withdrawn_at.replace(year=withdrawn_at.year + 5)
    clock.travel_to(entry.destroy_after - timedelta(days=1))
    sweeps.run()
    assert WithdrawnMember.objects.filter(member_id=settled.member_id).exists()
    clock.travel_to(withdrawn_at.replace(year=withdrawn_at.year + 5) + timedelta(days=1))
    sweeps.run()
    assert not WithdrawnMember.objects.filter(member_id=settled.member_id).exists()


# --- What stands in the way -----------------------------------------------------------------------


def _unchanged(member) -> None:
    member.refresh_from_db()
    assert member.email == EMAIL and member.is_active and member.withdrawn_at is None
    assert member.has_usable_password() and EmailAddress.objects.filter(user=member).exists()
    assert not WithdrawnMember.objects.exists()


def test_a_positive_balance_refuses_withdrawal_and_points_to_the_refund_page(client, funded):
    with pytest.raises(withdrawal.WithdrawalBlocked) as refused:
        withdrawal.withdraw(member=funded)
    assert [o.link for o in refused.value.obstacles] == ["/wallet/withdraw/"]
    assert "③" in str(refused.value.message)
    _unchanged(funded)
    sign_in(client, EMAIL)
    _verify_identity(client)
    page = client.post("/account/privacy/withdraw/", {"confirm": "on"}).content.decode()
    assert 'href="/wallet/withdraw/"' in page and 'data-testid="leave"' not in page
    _unchanged(funded)


def test_an_open_order_refuses_withdrawal_until_it_finishes(member, make_service, make_staff):
    wallet.credit_top_up(member=member, amount=D("9"), idempotency_key="exact")
    order = orders.place_order(member=member, service=make_service(), link=POST, quantity=100)
    assert wallet_selectors.balance(member) == 0
    with pytest.raises(withdrawal.WithdrawalBlocked) as refused:
        withdrawal.withdraw(member=member)
    assert [o.link for o in refused.value.obstacles] == ["/orders/"]
    _unchanged(member)
    marketing, _ = make_staff(roles.MARKETING)
    orders.fulfil(order=order, action="cancel", by=marketing, reason="Member leaving")
    wallet.save_refund_account(
        member=member, bank_name="KBank", account_holder=NAME, account_number="1234567890"
    )
    finance, _ = make_staff(roles.FINANCE)
    payout = wallet.request_withdrawal(member=member, amount="9", idempotency_key="refund")
    with pytest.raises(withdrawal.WithdrawalBlocked):  # the refund is not paid yet
        withdrawal.withdraw(member=member)
    wallet.pay_withdrawal(withdrawal=payout, by=finance, payout_reference="KB-2")
    assert withdrawal.withdraw(member=member).member_id == member.member_id


def test_withdrawal_needs_identity_verification(client, member):
    sign_in(client, EMAIL)
    for response in (
        client.get("/account/privacy/withdraw/"),
        client.post("/account/privacy/withdraw/", {"confirm": "on"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith("/account/privacy/verify/")
    _unchanged(member)
    assert client.get("/accounts/profile/").status_code == 200


def test_withdrawal_needs_the_confirmation_box_ticked(client, member):
    sign_in(client, EMAIL)
    _verify_identity(client)
    response = client.post("/account/privacy/withdraw/", {})
    assert response.status_code == 200 and response.context["form"].errors
    _unchanged(member)


def test_withdrawal_is_all_or_nothing(settled, monkeypatch, django_capture_on_commit_callbacks):
    slip = Path(TopUp.objects.get(member=settled).slip.path)

    def fail(member):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(withdrawal, "_end_sessions", fail)  # after everything but the member row
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        withdrawal.withdraw(member=settled)
    settled.refresh_from_db()
    assert settled.email == EMAIL and settled.name == NAME and settled.phone == PHONE and settled.is_active
    assert RefundBankAccount.objects.filter(member=settled).exists()
    assert TopUp.objects.get(member=settled).payer_name == NAME and slip.is_file()
    assert Order.objects.get(member=settled).link == POST
    assert PrivacyInquiry.objects.filter(member=settled).exists()
    assert not WithdrawnMember.objects.exists()


def test_every_model_a_member_owns_is_anonymised_or_deleted_on_withdrawal():
    assert withdrawal.unhandled_models() == []


def test_a_new_owned_model_not_named_for_withdrawal_stops_it(settled, monkeypatch):
    monkeypatch.setitem(registry._owners, "privacy.SignupMatch", "member")
    assert withdrawal.unhandled_models() == ["privacy.SignupMatch"]
    with pytest.raises(ImproperlyConfigured):
        withdrawal.withdraw(member=settled)
    settled.refresh_from_db()
    assert settled.email == EMAIL and not WithdrawnMember.objects.exists()


# --- A withdrawn member returning ---------------------------------------------------------------


def _sign_up(client, email):
    data = {"name": "New Name", "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post("/accounts/signup/", data)


def test_a_sign_up_with_a_withdrawn_members_email_is_flagged_for_the_privacy_officer_only(
    client, settled, make_staff
):
    withdrawal.withdraw(member=settled)
    _sign_up(client, "Somchai@Example.test")
    newcomer = Member.objects.get(email="somchai@example.test")
    match = SignupMatch.objects.get()
    assert (match.member, match.matched_on, match.withdrawn.member_id) == (
        newcomer,
        "email",
        settled.member_id,
    )
    assert WithdrawnMember.objects.get().email_hash == withdrawal.email_hash(EMAIL) != EMAIL

    officer, secret = make_staff(roles.PRIVACY_OFFICER)
    officer_client = client.__class__()
    sign_in(officer_client, officer.email, totp_secret=secret)
    page = officer_client.get("/staff/privacy/withdrawn/matches/").content.decode()
    assert f'data-testid="match-{newcomer.member_id}"' in page and settled.member_id in page
    assert EMAIL not in page and NAME not in page  # a flag, not the withdrawn member's data
    officer_client.post(
        f"/staff/privacy/withdrawn/matches/{match.pk}/review/", {"note": "Same person, no fraud"}
    )
    match.refresh_from_db()
    assert match.reviewed_by == officer and match.note == "Same person, no fraud"

    marketing, secret = make_staff(roles.MARKETING, email="marketing-reader@example.test")
    marketing_client = client.__class__()
    sign_in(marketing_client, marketing.email, totp_secret=secret)
    assert marketing_client.get("/staff/privacy/withdrawn/matches/").status_code == 403


def test_a_phone_number_of_a_withdrawn_member_is_flagged_when_set(settled, make_member):
    withdrawal.withdraw(member=settled)
    newcomer = make_member(email="other@example.test", name="Other")
    assert SignupMatch.objects.count() == 0
    account_services.update_profile(member=newcomer, name="Other", phone="+66 81 234 5678")
    assert list(SignupMatch.objects.values_list("member", "matched_on")) == [(newcomer.pk, "phone")]
    account_services.update_profile(member=newcomer, name="Other again", phone="+66 81 234 5678")
    assert SignupMatch.objects.count() == 1  # flagged once


def test_no_flag_once_the_five_years_are_over(client, settled, clock):
    entry = withdrawal.withdraw(member=settled)
    clock.travel_to(entry.destroy_after - timedelta(days=1))
    _sign_up(client, EMAIL)
    assert SignupMatch.objects.count() == 1
    Member.objects.get(email=EMAIL).delete()
    clock.travel_to(entry.destroy_after + timedelta(days=1))
    _sign_up(client.__class__(), EMAIL)
    assert SignupMatch.objects.count() == 0


# --- The store: the privacy officer alone -----------------------------------------------------


@pytest.mark.parametrize("role", [roles.MARKETING, roles.FINANCE, roles.SUPPORT, roles.ADMINISTRATOR])
def test_only_the_privacy_officer_reads_the_withdrawn_store(client, settled, make_staff, role):
    withdrawal.withdraw(member=settled)
    url = "/staff/privacy/withdrawn/"
    opening = {"member_id": settled.member_id, "reason": "Chargeback dispute 7/2569"}
    staff, secret = make_staff(role, email=f"{role}-reader@example.test")
    sign_in(client, staff.email, totp_secret=secret)
    assert client.post(url, opening).status_code == 403

    officer, secret = make_staff(roles.PRIVACY_OFFICER)
    officer_client = client.__class__()
    sign_in(officer_client, officer.email, totp_secret=secret)
    refused = officer_client.post(url, {**opening, "reason": ""}).content.decode()
    assert EMAIL not in refused  # opened only with a reason
    page = officer_client.post(url, opening).content.decode()
    assert f'data-testid="kept-{settled.member_id}"' in page and EMAIL in page and PHONE in page
    assert EMAIL not in officer_client.get(url).content.decode()  # by member ID only
    from snshelper.staff.models import RevealLog

    (logged,) = RevealLog.objects.all()  # the opening is a logged reveal (P16)
    assert (logged.staff, logged.field, logged.reason) == (
        officer,
        "privacy.WithdrawnMember.kept",
        "Chargeback dispute 7/2569",
    )


def test_p5_the_separate_store_keeps_complaints_but_not_ordinary_consultations_or_questions(settled):
    """Only what a kept rule covers moves to the 5-year store: a complaint and its messages, not an
    everyday question (whose own rule ends sooner)."""
    from snshelper.support import services as support

    complaint = support.open_consultation(
        member=settled, topic="complaint", subject="Charged twice", body="Please look at my bill"
    )
    question = support.open_consultation(
        member=settled, topic="other", subject="Opening hours", body="Are you open on Sunday?"
    )
    for consultation in (complaint, question):
        support.close(consultation=consultation, by=settled)
    inquiries.ask(member=settled, kind=PrivacyInquiry.Kind.QUESTION, subject="Cookies?", body="Which ones?")
    withdrawal.withdraw(member=settled)

    kept = _kept(settled.member_id)["records"]
    assert [row["subject"] for row in kept["support.Consultation"]] == ["Charged twice"]
    assert [row["body"] for row in kept["support.Message"]] == ["Please look at my bill"]
    assert [row["subject"] for row in kept["privacy.PrivacyInquiry"]] == ["Wrong charge"]
    everything = json.dumps(kept)
    assert "Opening hours" not in everything and "Are you open on Sunday?" not in everything
    assert "Cookies?" not in everything
