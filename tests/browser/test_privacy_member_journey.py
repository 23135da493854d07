"""The issue's journey: a member changes language, opens the policy, requests their data, downloads
it, asks a correction, and withdraws — on a phone, with nothing fetched from another host."""

import json
import re
from decimal import Decimal

import pytest
from django.core import mail

from snshelper.accounts.models import Member
from snshelper.orders import services as orders
from snshelper.privacy.models import DataSubjectRequest, WithdrawnMember
from snshelper.wallet import selectors as wallet_selectors
from snshelper.wallet import services as wallet
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _latest_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def _verify(page):
    page.get_by_test_id("send-code").click()
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(_latest_code())
    page.get_by_test_id("verify").click()


def test_member_reads_the_policy_gets_their_data_asks_a_correction_and_leaves(
    journey, member, make_service, make_staff
):
    wallet.credit_top_up(member=member, amount=Decimal("500"), idempotency_key="journey")
    order = orders.place_order(
        member=member, service=make_service(), link="https://www.instagram.com/somchai.shop/", quantity=100
    )
    page = journey.page

    # Language first (th is the default), and the policy.
    page.goto("/")
    page.get_by_test_id("cookie-accept").click()
    page.get_by_role("button", name="English").click()
    page.get_by_role("link", name="Privacy policy").first.click()
    assert page.locator("h1").inner_text() == "SNS Helper privacy policy"
    assert "6 months" in page.content()  # the login-record rule in force
    journey.shot("policy")

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard/")

    # The "view" right: verify identity, the queue prepares the copy, download it.
    page.goto("/account/privacy/")
    journey.shot("rights")
    page.get_by_test_id("request-view").click()
    page.wait_for_url("**/account/privacy/verify/**")
    _verify(page)
    page.get_by_test_id("prepare-copy").click()
    page.wait_for_url("**/account/privacy/")
    page.get_by_test_id("export-link").click()
    assert member.email in page.content()
    journey.shot("export")
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert json.dumps(data, ensure_ascii=False).count("https://www.instagram.com/somchai.shop/") >= 1

    # A correction: an order's link.
    page.goto("/account/privacy/")
    page.get_by_test_id("request-correct").click()
    page.locator("#id_target").select_option("orders.Order.link")
    page.locator("#id_record_id").fill(str(order.pk))
    page.locator("#id_value").fill("https://www.instagram.com/somchai.store/")
    journey.shot("correction")
    page.get_by_test_id("send-correction").click()
    assert "We received your request" in page.locator(".messages").inner_text()
    assert DataSubjectRequest.objects.filter(member=member, kind="correct", status="open").count() == 1

    # Leaving: the balance and the running order stand in the way first (exception ③).
    page.get_by_role("link", name="Leave SNS Helper").click()
    obstacles = page.get_by_test_id("obstacles").inner_text()
    assert "balance" in obstacles.lower()
    journey.shot("leave-obstacles")
    staff, _ = make_staff("marketing")
    orders.fulfil(order=order, action="cancel", by=staff, reason="Member is leaving")
    wallet.save_refund_account(
        member=member, bank_name="KBank", account_holder="Somchai Jaidee", account_number="1234567890"
    )
    payout = wallet.request_withdrawal(
        member=member, amount=wallet_selectors.balance(member), idempotency_key="leave"
    )
    finance, _ = make_staff("finance")
    wallet.pay_withdrawal(withdrawal=payout, by=finance, payout_reference="KBank 998877")
    page.reload()
    page.get_by_role("checkbox").check()
    journey.shot("leave-confirm")
    page.get_by_test_id("leave").click()
    page.wait_for_url("**/goodbye/**")
    journey.shot("goodbye")

    stored = Member.objects.get(pk=member.pk)
    assert not stored.is_active and stored.email != "somchai@example.test"
    assert WithdrawnMember.objects.filter(member_id=member.member_id).exists()
    page.goto("/accounts/login/")
    page.locator("#id_login").fill("somchai@example.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert "/dashboard/" not in page.url
    assert journey.foreign_requests() == []
