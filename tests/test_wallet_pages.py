"""Wallet pages: the member's balance and top-ups; finance's approval queue; the CLI adjuster."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from snshelper.wallet import selectors, services
from snshelper.wallet.models import TopUp
from tests.conftest import sign_in
from tests.test_wallet_topups import png_slip

pytestmark = pytest.mark.django_db


def test_promptpay_page_shows_a_qr_for_the_amount(client, member):
    sign_in(client, member.email)
    response = client.post("/wallet/top-up/promptpay/", {"amount": "300"})
    top_up = TopUp.objects.get()
    assert response["Location"] == f"/wallet/top-ups/{top_up.reference}/"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "data:image" not in page and "300.00" in page


def test_bank_transfer_page_takes_the_slip_and_refuses_a_fake_one(client, member):
    sign_in(client, member.email)
    form = {
        "bank_account": "kbank",
        "amount": "1000",
        "transferred_at": "2026-11-25T09:30",
        "payer_name": "สมชาย ใจดี",
        "payer_bank": "SCB",
    }
    fake = client.post("/wallet/top-up/bank-transfer/", {**form, "slip": _fake_slip()})
    assert fake.status_code == 200 and "JPEG, PNG, PDF" in fake.content.decode()
    assert not TopUp.objects.exists()
    client.post("/wallet/top-up/bank-transfer/", {**form, "slip": png_slip()})
    top_up = TopUp.objects.get()
    assert top_up.transferred_at.hour == 2  # 09:30 in Bangkok is 02:30 UTC


def _fake_slip():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("slip.jpg", b"this is a text file", content_type="image/jpeg")


def test_finance_approves_and_the_member_sees_the_balance(client, member, make_staff):
    top_up = services.create_promptpay_top_up(member=member, amount=Decimal("300"))
    finance, secret = make_staff("finance")
    sign_in(client, finance.email, totp_secret=secret)
    page = client.get("/wallet/staff/top-ups/").content.decode()
    assert top_up.reference in page and member.member_id in page and member.email not in page
    client.post(f"/wallet/staff/top-ups/{top_up.pk}/approve/")
    assert selectors.balance(member) == Decimal("300")


def test_only_finance_opens_the_queue_and_the_slips(client, member, make_staff):
    top_up = services.create_bank_transfer_top_up(
        member=member,
        amount=Decimal("500"),
        bank_account="kbank",
        transferred_at=top_up_time(),
        payer_name="Somchai",
        payer_bank="",
        slip=png_slip(),
    )
    marketing, secret = make_staff("marketing")
    sign_in(client, marketing.email, totp_secret=secret)
    assert client.get("/wallet/staff/top-ups/").status_code == 403
    assert client.get(f"/wallet/staff/top-ups/{top_up.pk}/slip/").status_code == 403
    assert client.post(f"/wallet/staff/top-ups/{top_up.pk}/approve/").status_code == 403
    client.logout()
    sign_in(client, member.email)
    assert client.get(f"/wallet/staff/top-ups/{top_up.pk}/slip/").status_code == 403
    assert selectors.balance(member) == 0


def top_up_time():
    from snshelper.core import clock

    return clock.now()


def test_member_sees_only_own_top_ups(client, member, make_member):
    other = make_member()
    theirs = services.create_promptpay_top_up(member=other, amount=Decimal("100"))
    sign_in(client, member.email)
    assert client.get(f"/wallet/top-ups/{theirs.reference}/").status_code == 404
    assert theirs.reference not in client.get("/wallet/").content.decode()


def test_adjust_balance_command_credits_and_debits_with_a_reason(member, capsys):
    call_command("adjust_balance", member.email, "100", "--reason", "Bonus")
    call_command(
        "adjust_balance", member.email, "-25.50", "--reason", "Correction", "--idempotency-key", "c1"
    )
    call_command(
        "adjust_balance", member.email, "-25.50", "--reason", "Correction", "--idempotency-key", "c1"
    )
    assert selectors.balance(member) == Decimal("74.50")
    with pytest.raises(CommandError, match="ยอดเงินคงเหลือไม่เพียงพอ"):  # Thai: the default language
        call_command("adjust_balance", member.email, "-1000", "--reason", "Too much")
    with pytest.raises(CommandError, match="No member"):
        call_command("adjust_balance", "nobody@example.test", "5", "--reason", "x")
    assert selectors.balance(member) == Decimal("74.50")


def test_finance_adjusts_a_balance_by_member_id_with_a_reason(client, member, make_staff):
    finance, secret = make_staff("finance")
    sign_in(client, finance.email, totp_secret=secret)
    form = {
        "member_id": member.member_id.lower(),
        "amount": "120.50",
        "reason": "Transfer found later",
        "idempotency_key": "adj-1",
    }
    client.post("/wallet/staff/adjust/", form)
    client.post("/wallet/staff/adjust/", form)  # a double submit
    assert selectors.balance(member) == Decimal("120.50")
    refused = client.post("/wallet/staff/adjust/", {**form, "amount": "-500", "idempotency_key": "adj-2"})
    assert refused.status_code == 200 and selectors.balance(member) == Decimal("120.50")
    client.post("/wallet/staff/adjust/", {**form, "amount": "-20.50", "idempotency_key": "adj-3"})
    assert selectors.balance(member) == Decimal("100")


def test_only_finance_adjusts_balances(client, member, make_staff):
    support, secret = make_staff("support")
    sign_in(client, support.email, totp_secret=secret)
    assert client.get("/wallet/staff/adjust/").status_code == 403
