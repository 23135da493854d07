"""Retention (P4, P6): what has passed its rule is destroyed or anonymised, the day after and not
the day before; legal holds keep what they name; the destruction log counts and keeps no data."""

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import translation
from PIL import Image

from snshelper.accounts.models import LoginRecord
from snshelper.core import clock as clock_module
from snshelper.orders import services as orders
from snshelper.orders.models import Order, OrderTransition, Status
from snshelper.privacy import holds, registry, sweeps
from snshelper.privacy.models import (
    DataExport,
    DataSubjectRequest,
    DestructionLog,
    IdentityCheck,
    LegalHold,
    PrivacyInquiry,
    RequestStep,
    SignupMatch,
    WithdrawnMember,
)
from snshelper.privacy.retention import RULES, add_months
from snshelper.wallet import memos as memo_codes
from snshelper.wallet import selectors
from snshelper.wallet import services as wallet
from snshelper.wallet.models import LedgerAccount, LedgerEntry, LedgerTransaction, TopUp
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
D = Decimal
T0 = datetime(2025, 1, 15, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)
IP = "203.0.113.77"
LINK = "https://www.instagram.com/somchai.private.account/"
PAYER = "สมชาย ใจดี"
ACCOUNT_NUMBER = "1234567890"


@pytest.fixture(autouse=True)
def start(clock):
    """Everything in these tests happens from 15 January 2025, 10:00 in Bangkok."""
    clock.travel_to(T0)
    return clock


def at(moment: datetime) -> list[sweeps.SweepResult]:
    """Move the clock to ``moment`` and run the sweeps there."""
    clock_module.travel_to(moment)
    return sweeps.run()


def counted(results, rule: str, record_type: str) -> int:
    return sum(r.count for r in results if (r.rule, r.record_type) == (rule, record_type))


def logged() -> set[tuple]:
    return set(DestructionLog.objects.values_list("rule", "record_type", "action", "count"))


def png_slip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    return SimpleUploadedFile("slip.png", buffer.getvalue(), content_type="image/png")


def bank_top_up(member) -> TopUp:
    return wallet.create_bank_transfer_top_up(
        member=member,
        amount="1,500.00",
        bank_account="kbank",
        transferred_at=clock_module.now() - timedelta(minutes=3),
        payer_name=PAYER,
        payer_bank="SCB",
        slip=png_slip(),
    )


def slip_path(top_up: TopUp) -> Path:
    return Path(settings.MEDIA_ROOT) / top_up.slip.name


def completed_order(member, service, link=LINK, reason="Delivered to the private account") -> Order:
    order = orders.place_order(member=member, service=service, link=link, quantity=100)
    return orders.transition(order=order, to=Status.COMPLETED, reason=reason)


def ledger_state() -> list[tuple]:
    return list(
        LedgerEntry.objects.order_by("pk").values_list("pk", "transaction_id", "account_id", "amount")
    )


def memos() -> list[str]:
    """Straight from the table: what the sweep wrote, not what a model says."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT memo FROM wallet_ledgertransaction ORDER BY id")
        return [memo for (memo,) in cursor.fetchall()]


def books_balance() -> None:
    for account in LedgerAccount.objects.filter(kind=LedgerAccount.Kind.MEMBER_WALLET):
        assert account.balance == selectors.balance_from_entries(account)


def open_request(member, **fields) -> DataSubjectRequest:
    return DataSubjectRequest.objects.create(
        member=member,
        kind=fields.pop("kind", DataSubjectRequest.Kind.VIEW),
        due_at=clock_module.now() + timedelta(days=10),
        verified_at=clock_module.now(),
        **fields,
    )


def inquiry(member, kind, body="My neighbour reads my orders", answered_at=T0) -> PrivacyInquiry:
    return PrivacyInquiry.objects.create(
        member=member,
        kind=kind,
        subject="About my data",
        body=body,
        due_at=T0 + timedelta(days=10),
        answer="We looked into it.",
        answered_at=answered_at,
    )


# --- P4: every rule, and the log -----------------------------------------------------------------


def test_p4_data_past_every_rule_is_destroyed_or_anonymised_and_the_log_counts_it_without_data(
    client, member, make_service
):
    client.defaults.update(REMOTE_ADDR=IP)
    sign_in(client, member.email)
    wallet.credit_top_up(member=member, amount=D("1000"), idempotency_key="fund")
    order = completed_order(member, make_service())
    approved = bank_top_up(member)
    wallet.approve_top_up(top_up=approved, by=None)
    unpaid = wallet.create_promptpay_top_up(member=member, amount="300")
    IdentityCheck.objects.create(member=member, code_hash="x" * 64, expires_at=T0 + timedelta(minutes=10))
    complaint = inquiry(member, PrivacyInquiry.Kind.COMPLAINT)
    closed = open_request(member, details="Show me everything", closed_at=T0)
    RequestStep.objects.create(request=closed, action="answered", note="Sent the export to Somchai")
    slip = slip_path(approved)
    assert slip.is_file()

    results = at(add_months(T0, 61))

    assert not LoginRecord.objects.exists()
    order.refresh_from_db()
    assert (order.link, order.charge) == ("", D("9.00000"))  # the row and its amount stay
    assert set(order.transitions.values_list("reason", flat=True)) == {""}
    approved.refresh_from_db()
    assert (approved.payer_name, approved.payer_bank, approved.slip.name) == ("", "", "")
    assert not slip.exists()
    assert not TopUp.objects.filter(pk=unpaid.pk).exists()
    assert not IdentityCheck.objects.exists()
    assert not PrivacyInquiry.objects.filter(pk=complaint.pk).exists()
    assert not DataSubjectRequest.objects.exists() and not RequestStep.objects.exists()
    assert set(memos()) == {""}

    assert {
        ("login_records", "accounts.LoginRecord", "deleted", 1),
        ("contract", "orders.Order", "anonymised", 1),
        ("contract", "orders.OrderTransition", "anonymised", 1),  # Pending had no reason to clear
        ("payment", "wallet.TopUp", "anonymised", 1),
        ("payment", "wallet.LedgerTransaction", "anonymised", 2),  # the order's and the top-up's
        ("unpaid_top_ups", "wallet.TopUp", "deleted", 1),
        ("identity_checks", "privacy.IdentityCheck", "deleted", 1),
        ("complaint", "privacy.PrivacyInquiry", "deleted", 1),
        ("data_requests", "privacy.DataSubjectRequest", "deleted", 1),
        ("data_requests", "privacy.RequestStep", "deleted", 1),
    } <= logged()
    assert counted(results, "login_records", "accounts.LoginRecord") == 1
    # The log has the rule, the kind, the action, the count and the time: no ids, no data.
    assert {f.name for f in DestructionLog._meta.get_fields()} == {
        "id",
        "rule",
        "record_type",
        "action",
        "count",
        "ran_at",
    }
    text = json.dumps(list(DestructionLog.objects.values()), default=str)
    for secret in (IP, LINK, "somchai", PAYER, "SCB", approved.reference, member.member_id, "Show me"):
        assert secret not in text


def test_p4_a_second_sweep_finds_nothing_more_and_logs_nothing_more(member):
    LoginRecord.objects.create(member=member, ip_address=IP, result="success")
    at(add_months(T0, 7))
    assert DestructionLog.objects.count() == 1
    results = sweeps.run()
    assert DestructionLog.objects.count() == 1
    assert sum(r.count for r in results) == 0


def test_p4_sweeps_work_in_batches_with_one_log_row_per_rule_and_kind(member):
    for minute in range(7):
        LoginRecord.objects.create(member=member, result="failed", created_at=T0 + timedelta(minutes=minute))
    LoginRecord.objects.create(member=member, result="success", created_at=add_months(T0, 6) + DAY)
    clock_module.travel_to(add_months(T0, 6) + timedelta(days=2))
    results = sweeps.run(batch_size=3)
    assert LoginRecord.objects.count() == 1  # the one still inside six months
    assert counted(results, "login_records", "accounts.LoginRecord") == 7
    assert logged() == {("login_records", "accounts.LoginRecord", "deleted", 7)}


def test_p4_dry_run_changes_nothing_and_says_what_would_go(member, make_service, funded):
    LoginRecord.objects.create(member=member, ip_address=IP, result="success")
    order = completed_order(member, make_service())
    closed = open_request(member, closed_at=T0)
    RequestStep.objects.create(request=closed, action="answered")
    clock_module.travel_to(add_months(T0, 61))

    dry = sweeps.run(dry_run=True)

    assert LoginRecord.objects.count() == 1 and RequestStep.objects.count() == 1
    assert Order.objects.get(pk=order.pk).link == LINK
    assert not DestructionLog.objects.exists()
    wet = sweeps.run()
    assert [r for r in dry if r.count] == [r for r in wet if r.count]
    assert counted(dry, "data_requests", "privacy.RequestStep") == 1


def test_p4_a_failing_sweep_stops_neither_the_others_nor_leaves_a_count_for_what_it_did_not_do(
    member, funded, make_service, monkeypatch
):
    LoginRecord.objects.create(member=member, ip_address=IP, result="success")
    order = completed_order(member, make_service())
    real = sweeps._anonymise

    def broken(declared, rows):
        if declared.model_label == "orders.Order":
            raise RuntimeError("disk full")
        return real(declared, rows)

    monkeypatch.setattr(sweeps, "_anonymise", broken)
    clock_module.travel_to(add_months(T0, 61))
    with pytest.raises(sweeps.SweepFailed, match="contract: orders.Order"):
        sweeps.run()
    assert not LoginRecord.objects.exists()
    assert Order.objects.get(pk=order.pk).link == LINK
    assert OrderTransition.objects.filter(order=order).exclude(reason="").exists()  # its batch rolled back
    assert not DestructionLog.objects.filter(rule="contract").exists()
    assert DestructionLog.objects.filter(rule="login_records", count=1).exists()


def test_p4_retention_sweep_command_prints_a_table_and_dry_run_changes_nothing(member):
    LoginRecord.objects.create(member=member, ip_address=IP, result="success")
    LoginRecord.objects.create(member=member, ip_address=IP, result="failed")
    clock_module.travel_to(add_months(T0, 7))

    out = io.StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out)
    assert "Dry run: nothing was changed" in out.getvalue()
    assert [line.split() for line in out.getvalue().splitlines() if "accounts.LoginRecord" in line] == [
        ["login_records", "accounts.LoginRecord", "deleted", "2"]
    ]
    assert LoginRecord.objects.count() == 2

    out = io.StringIO()
    call_command("retention_sweep", stdout=out)
    assert "2 records destroyed or anonymised." in out.getvalue()
    assert not LoginRecord.objects.exists()


def test_p4_the_sweep_runs_each_night_at_half_past_three_in_bangkok():
    from huey.contrib.djhuey import HUEY

    from snshelper.privacy.tasks import retention_sweep

    task = retention_sweep.task_class()
    assert HUEY.utc  # the crontab is read in UTC: 20:30 there is 03:30 in Bangkok
    assert task.validate_datetime(datetime(2025, 1, 15, 20, 30))
    assert not task.validate_datetime(datetime(2025, 1, 15, 3, 30))


# --- P6: each boundary, the day before and the day after -----------------------------------------


def test_p6_login_records_kept_the_day_before_six_months_and_gone_the_day_after(client, member):
    client.defaults.update(REMOTE_ADDR=IP)
    sign_in(client, member.email)
    assert LoginRecord.objects.filter(ip_address=IP).count() == 1

    at(datetime(2025, 7, 14, 3, 0, tzinfo=UTC))
    assert LoginRecord.objects.filter(ip_address=IP).count() == 1
    results = at(datetime(2025, 7, 16, 3, 0, tzinfo=UTC))
    assert not LoginRecord.objects.exists()
    assert counted(results, "login_records", "accounts.LoginRecord") == 1


def test_p6_contract_records_kept_the_day_before_five_years_and_anonymised_the_day_after(
    funded, make_service
):
    service = make_service(refill_days=30, cancel_allowed=True)
    order = completed_order(funded, service)
    refill = orders.request_refill(member=funded, order=order)
    orders.handle_refill(
        refill=refill, to="Rejected", by=None, reason="The account somchai.private is closed"
    )
    pending = orders.place_order(
        member=funded, service=service, link="https://www.instagram.com/still.open/", quantity=100
    )

    at(datetime(2030, 1, 14, 3, 0, tzinfo=UTC))
    order.refresh_from_db()
    assert order.link == LINK
    assert "somchai" in order.refills.get().reason

    results = at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))
    order.refresh_from_db()
    assert (order.link, order.comments, order.type_fields) == ("", "", {})
    assert order.refills.get().reason == ""
    assert set(OrderTransition.objects.filter(order=order).values_list("reason", flat=True)) == {""}
    assert Order.objects.get(pk=pending.pk).link.endswith("still.open/")  # a contract not yet ended
    assert counted(results, "contract", "orders.Order") == 1
    assert counted(results, "contract", "orders.RefillRequest") == 1


def test_p6_a_finished_subscriptions_account_and_post_links_are_anonymised_after_five_years(
    funded, make_service, make_staff
):
    from snshelper.orders import subscriptions
    from snshelper.orders.models import Subscription, SubscriptionPost

    staff, _secret = make_staff("marketing")
    service = make_service(type="Subscriptions", name_en="Likes on new posts")
    subscription = subscriptions.place_subscription(
        member=funded, service=service, username="@somchai.shop", min_quantity=100, max_quantity=200, posts=3
    )
    for number in (1, 2):
        child = subscriptions.record_post(
            subscription=subscription, link=f"https://www.instagram.com/p/Somchai{number}/", by=staff
        )
        orders.transition(order=child, to=Status.COMPLETED)
    subscriptions.cancel_subscription(subscription=subscription, by=staff, reason="Somchai asked by LINE")

    at(datetime(2030, 1, 14, 3, 0, tzinfo=UTC))
    assert Subscription.objects.get().username == "@somchai.shop"
    results = at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))

    kept = Subscription.objects.select_related("order").get()
    assert (kept.username, kept.reason, kept.order.link) == ("", "", "")
    assert sorted(SubscriptionPost.objects.values_list("link", flat=True)) == sorted(
        f"#{pk}" for pk in SubscriptionPost.objects.values_list("order_id", flat=True)
    )
    assert not Order.objects.exclude(link="").exists()
    assert "Somchai" not in str(list(kept.transitions.values_list("reason", flat=True)))
    assert counted(results, "contract", "orders.SubscriptionPost") == 2
    assert counted(sweeps.run(), "contract", "orders.SubscriptionPost") == 0  # "#…" counts as done


def test_p6_payment_records_kept_the_day_before_five_years_and_anonymised_the_day_after(funded):
    approved = bank_top_up(funded)
    wallet.approve_top_up(top_up=approved, by=None)
    wallet.save_refund_account(
        member=funded, bank_name="KBank", account_holder=PAYER, account_number=ACCOUNT_NUMBER
    )
    paid = wallet.request_withdrawal(member=funded, amount="100", idempotency_key="w1")
    wallet.pay_withdrawal(withdrawal=paid, by=None, payout_reference="KB-998877")
    slip = slip_path(approved)

    at(datetime(2030, 1, 14, 3, 0, tzinfo=UTC))
    approved.refresh_from_db()
    paid.refresh_from_db()
    assert (approved.payer_name, paid.account_number) == (PAYER, ACCOUNT_NUMBER)
    assert slip.is_file()

    results = at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))
    approved.refresh_from_db()
    paid.refresh_from_db()
    assert (approved.payer_name, approved.payer_bank, approved.slip.name) == ("", "", "")
    assert approved.amount == D("1500.00") and approved.status == TopUp.Status.APPROVED
    assert not slip.exists()
    assert (paid.bank_name, paid.account_holder, paid.account_number, paid.payout_reference) == (
        "",
        "",
        "",
        "",
    )
    assert paid.amount == D("100.00")
    assert funded.refund_bank_account.account_number == ACCOUNT_NUMBER  # membership data: kept
    assert counted(results, "payment", "wallet.TopUp") == 1
    assert counted(results, "payment", "wallet.Withdrawal") == 1


def test_p6_ledger_entries_survive_and_balances_still_equal_their_entries_after_the_payment_rule(
    funded, make_staff
):
    finance, _secret = make_staff("finance")
    wallet.adjust_balance(
        member=funded,
        amount=D("25"),
        reason="Goodwill for Somchai's complaint",
        by=finance,
        idempotency_key="a1",
    )
    wallet.refund(
        member=funded,
        amount=D("5"),
        idempotency_key="r1",
        memo=memo_codes.build(memo_codes.ORDER_REFUND, order=1, outcome="canceled"),
    )
    entries, balance = ledger_state(), selectors.balance(funded)

    at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))

    assert "Goodwill for Somchai's complaint" not in memos() and set(memos()) == {""}
    assert ledger_state() == entries  # not one entry deleted or changed
    assert selectors.balance(funded) == balance == D("1030")
    books_balance()
    assert LedgerTransaction.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers guard PostgreSQL")
def test_p6_the_database_still_refuses_every_other_change_to_the_ledger(funded):
    from django.db import DatabaseError, transaction

    at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))  # the sweep emptied the memos through the trigger
    for statement in (
        "UPDATE wallet_ledgertransaction SET memo = 'x'",
        "UPDATE wallet_ledgertransaction SET memo = '', kind = 'adjustment'",
        "UPDATE wallet_ledgerentry SET amount = 1",
        "DELETE FROM wallet_ledgertransaction",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_p6_complaint_records_kept_the_day_before_five_years_and_gone_the_day_after(member):
    complaint = inquiry(member, PrivacyInquiry.Kind.COMPLAINT)
    question = inquiry(member, PrivacyInquiry.Kind.QUESTION, body="What do you keep?")

    at(datetime(2026, 1, 14, 3, 0, tzinfo=UTC))
    assert PrivacyInquiry.objects.count() == 2
    at(datetime(2026, 1, 16, 3, 0, tzinfo=UTC))  # questions: 12 months
    assert list(PrivacyInquiry.objects.all()) == [complaint]
    assert not PrivacyInquiry.objects.filter(pk=question.pk).exists()

    at(datetime(2030, 1, 14, 3, 0, tzinfo=UTC))
    assert PrivacyInquiry.objects.filter(pk=complaint.pk).exists()
    results = at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))
    assert not PrivacyInquiry.objects.exists()
    assert counted(results, "complaint", "privacy.PrivacyInquiry") == 1


def test_p6_an_unanswered_complaint_is_never_swept(member):
    inquiry(member, PrivacyInquiry.Kind.COMPLAINT, answered_at=None)
    at(add_months(T0, 120))
    assert PrivacyInquiry.objects.count() == 1


def test_p6_withdrawn_members_kept_data_kept_the_day_before_five_years_and_gone_the_day_after(make_member):
    kept = WithdrawnMember.objects.create(
        member_id="SH-WITHDRWN",
        withdrawn_at=T0,
        contract_ended_at=T0,
        destroy_after=add_months(T0, settings.RETENTION_MONTHS["withdrawn_member"]),
        email_hash="e" * 64,
        kept='{"orders": []}',
    )
    SignupMatch.objects.create(member=make_member(), withdrawn=kept, matched_on="email", note="Same email")

    at(datetime(2030, 1, 14, 3, 0, tzinfo=UTC))
    assert WithdrawnMember.objects.count() == 1 and SignupMatch.objects.count() == 1
    results = at(datetime(2030, 1, 16, 3, 0, tzinfo=UTC))
    assert not WithdrawnMember.objects.exists() and not SignupMatch.objects.exists()
    assert counted(results, "withdrawn_member", "privacy.WithdrawnMember") == 1
    assert counted(results, "withdrawn_member", "privacy.SignupMatch") == 1


def test_p6_data_requests_kept_the_day_before_three_years_after_closing_and_gone_the_day_after(member):
    closed = open_request(member, details="Correct my phone", closed_at=T0)
    RequestStep.objects.create(request=closed, action="answered")
    still_open = open_request(member, details="Still open")

    at(datetime(2028, 1, 14, 3, 0, tzinfo=UTC))
    assert DataSubjectRequest.objects.count() == 2
    results = at(datetime(2028, 1, 16, 3, 0, tzinfo=UTC))
    assert list(DataSubjectRequest.objects.all()) == [still_open]
    assert not RequestStep.objects.exists()
    assert counted(results, "data_requests", "privacy.DataSubjectRequest") == 1


def test_p6_staff_audit_log_kept_the_day_before_two_years_and_gone_the_day_after(member, make_staff):
    admin, _secret = make_staff("administrator")
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(type(member)),
        object_id=str(member.pk),
        object_repr=member.name,
        action_flag=ADDITION,
        action_time=T0,
    )
    at(datetime(2027, 1, 14, 3, 0, tzinfo=UTC))
    assert LogEntry.objects.count() == 1
    at(datetime(2027, 1, 16, 3, 0, tzinfo=UTC))
    assert not LogEntry.objects.exists()


# --- The short rules -----------------------------------------------------------------------------


def test_p4_unpaid_top_ups_kept_the_day_before_thirty_days_and_gone_the_day_after(member):
    unpaid = wallet.create_promptpay_top_up(member=member, amount="300")
    clock_module.travel_to(T0 + timedelta(hours=1))
    assert wallet.expire_unpaid_top_ups() == 1
    waiting = bank_top_up(member)  # pending review: finance has not looked yet, never swept

    at(T0 + 29 * DAY)
    assert TopUp.objects.filter(pk=unpaid.pk).exists()
    results = at(T0 + 31 * DAY)
    assert not TopUp.objects.filter(pk=unpaid.pk).exists()
    assert TopUp.objects.filter(pk=waiting.pk).exists()
    assert counted(results, "unpaid_top_ups", "wallet.TopUp") == 1


def test_p4_rejected_slips_kept_the_day_before_ninety_days_and_destroyed_the_day_after(member):
    rejected = bank_top_up(member)
    wallet.reject_top_up(top_up=rejected, by=None, reason="No transfer found")
    slip = slip_path(rejected)

    at(T0 + 89 * DAY)
    rejected.refresh_from_db()
    assert slip.is_file() and rejected.payer_name == PAYER
    at(T0 + 91 * DAY)
    rejected.refresh_from_db()
    assert not slip.exists()
    assert (rejected.slip.name, rejected.payer_name, rejected.payer_bank) == ("", "", "")
    assert rejected.reject_reason == "No transfer found"  # the member still sees why, until 5 years


def test_p4_identity_codes_kept_the_hour_before_one_day_and_gone_the_hour_after(member):
    IdentityCheck.objects.create(member=member, code_hash="x" * 64, expires_at=T0 + timedelta(minutes=10))
    at(T0 + DAY - timedelta(hours=1))
    assert IdentityCheck.objects.count() == 1
    at(T0 + DAY + timedelta(hours=1))
    assert not IdentityCheck.objects.exists()


def test_p4_an_export_file_is_destroyed_the_day_after_its_link_expires(member):
    request = open_request(member, closed_at=T0)
    exports = Path(settings.MEDIA_ROOT) / "exports"
    exports.mkdir(parents=True)
    (exports / "abc.json").write_text('{"email": "somchai@example.test"}')
    export = DataExport.objects.create(request=request, path="exports/abc.json", size=34, ready_at=T0)
    assert export.expires_at == T0 + timedelta(days=settings.PRIVACY_EXPORT_DAYS)

    at(export.expires_at - DAY)
    assert (exports / "abc.json").is_file()
    results = at(export.expires_at + DAY)
    export.refresh_from_db()
    assert not (exports / "abc.json").exists()
    assert (export.path, export.size) == ("", 0)
    assert counted(results, "exports", "privacy.DataExport") == 1


def test_p4_an_export_path_outside_the_media_directory_is_never_deleted(member, tmp_path):
    outside = tmp_path / "not-ours.txt"
    outside.write_text("keep me")
    DataExport.objects.create(request=open_request(member), path=str(outside), size=7)
    at(T0 + 30 * DAY)
    assert outside.read_text() == "keep me"


def test_p4_expired_sessions_are_destroyed(member):
    session = SessionStore()
    session["_auth_user_id"] = str(member.pk)
    session.set_expiry(60)
    session.create()
    Session.objects.filter(pk=session.session_key).update(expire_date=T0 + timedelta(hours=1))
    at(T0)
    assert Session.objects.filter(pk=session.session_key).exists()
    at(T0 + timedelta(hours=2))
    assert not Session.objects.filter(pk=session.session_key).exists()


# --- Legal holds ---------------------------------------------------------------------------------


def test_p6_legal_hold_keeps_held_records(member, make_member, make_service, make_staff):
    officer, _secret = make_staff("privacy_officer")
    other = make_member()
    wallet.credit_top_up(member=member, amount=D("1000"), idempotency_key="fund-1")
    wallet.credit_top_up(member=other, amount=D("1000"), idempotency_key="fund-2")
    service = make_service(one_active_order_per_link=False)
    for person in (member, other):
        LoginRecord.objects.create(member=person, ip_address=IP, result="success")
    held_order = completed_order(other, service, link="https://www.instagram.com/held/")
    free_order = completed_order(other, service, link="https://www.instagram.com/free/")
    members_order = completed_order(member, service, link="https://www.instagram.com/members/")
    whole = holds.place_hold(member=member, reason="Police request 2025/17", by=officer)
    one = holds.place_hold(
        record_type="orders.Order", record_id=str(held_order.pk), reason="Chargeback dispute", by=officer
    )

    at(add_months(T0, 61))

    assert list(LoginRecord.objects.values_list("member", flat=True)) == [member.pk]
    assert Order.objects.get(pk=members_order.pk).link.endswith("/members/")
    assert Order.objects.get(pk=held_order.pk).link.endswith("/held/")
    assert OrderTransition.objects.filter(order=held_order).exclude(reason="").exists()  # its history too
    assert Order.objects.get(pk=free_order.pk).link == ""

    holds.release_hold(hold=whole, by=officer, reason="Case closed")
    holds.release_hold(hold=one, by=officer, reason="Dispute settled")
    at(add_months(T0, 61) + timedelta(minutes=1))
    assert not LoginRecord.objects.exists()
    assert set(Order.objects.values_list("link", flat=True)) == {""}
    assert LegalHold.objects.count() == 2  # the record of why they were kept stays two years
    at(add_months(add_months(T0, 61) + timedelta(minutes=1), 24) - timedelta(days=1))
    assert LegalHold.objects.count() == 2
    at(add_months(add_months(T0, 61) + timedelta(minutes=1), 24) + timedelta(days=1))
    assert not LegalHold.objects.exists()


def test_p6_a_hold_on_one_step_of_a_record_keeps_the_record_it_belongs_to(member, funded, make_service):
    order = completed_order(funded, make_service())
    transition = order.transitions.get(to_status=Status.COMPLETED)
    holds.place_hold(
        record_type="orders.OrderTransition", record_id=str(transition.pk), reason="Dispute", by=None
    )
    at(add_months(T0, 61))
    assert Order.objects.get(pk=order.pk).link == LINK


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "Say why"),
        ({"record_type": "orders.Order", "record_id": "999999"}, "no such record"),
        ({"record_type": "catalog.Service", "record_id": "1"}, "No retention sweep"),
        ({}, "Name either"),
    ],
)
def test_a_hold_needs_a_reason_and_exactly_one_existing_target(member, fields, message):
    with translation.override("en"), pytest.raises(holds.HoldError, match=message):
        holds.place_hold(**{"reason": "Court order", **fields, "by": None})


# --- The registry: every personal model has a sweep or a reason ----------------------------------


def test_every_model_with_personal_fields_has_a_sweep_or_a_reason():
    assert registry.unswept_models() == []


def test_every_sweep_names_a_known_rule_existing_fields_and_its_parent():
    assert registry.dangling_sweeps() == []
    assert {s.rule for s in registry.all_sweeps()} <= set(RULES)


def test_a_model_with_personal_fields_and_no_sweep_fails_the_check(monkeypatch):
    with isolate_apps("snshelper.accounts") as test_apps:

        class Callback(models.Model):
            phone = models.CharField(max_length=20)
            asked_at = models.DateTimeField()

            class Meta:
                app_label = "accounts"

        monkeypatch.setattr(registry, "apps", test_apps)
        monkeypatch.setattr(registry, "_declarations", {})
        registry.personal_data(
            Callback,
            "phone",
            category=registry.Category.CONTACT,
            purpose=registry.Purpose.CONSULTATION,
            retention="complaint",
        )
        assert registry.unswept_models() == ["accounts.Callback"]
        monkeypatch.setattr(registry, "_sweeps", [])
        registry.sweep(Callback, rule="complaint", since="asked_at")
        assert registry.unswept_models() == []
        registry.sweep(Callback, rule="forever", since="called_at")
        assert registry.dangling_sweeps() == [
            "accounts.Callback (forever): no such rule",
            "accounts.Callback (forever): no field 'called_at'",
        ]


def test_each_sweep_walks_an_index_so_its_cost_follows_what_it_removes():
    """The big tables' sweeps read through an index on the field they count from."""
    for label in ("accounts.LoginRecord", "wallet.LedgerTransaction", "wallet.TopUp", "sessions.Session"):
        for declared in (
            s for s in registry.sweeps() if s.model_label == label and s.rule != "rejected_slips"
        ):
            model = declared.model
            field = model._meta.get_field(declared.since)
            indexed = field.db_index or any(index.fields[:1] == [field.name] for index in model._meta.indexes)
            assert indexed, f"{label}.{declared.since}"


# --- The officer's pages -------------------------------------------------------------------------


@pytest.fixture
def officer_client(client, make_staff):
    officer, secret = make_staff("privacy_officer")
    sign_in(client, officer.email, totp_secret=secret)
    return client


def test_officer_sees_the_rules_in_force_from_the_settings(officer_client, settings):
    settings.RETENTION_MONTHS = {**settings.RETENTION_MONTHS, "login_records": 7}
    page = officer_client.get("/staff/privacy/retention/").content.decode()
    assert "7 months" in page or "7 เดือน" in page
    assert "accounts.LoginRecord" in page and "wallet.LedgerTransaction" in page


def test_officer_reads_the_destruction_log(officer_client, member):
    LoginRecord.objects.create(member=member, ip_address=IP, result="success")
    at(add_months(T0, 7))
    page = officer_client.get("/staff/privacy/retention/log/").content.decode()
    assert 'data-testid="destruction-log"' in page
    assert "login_records" in page and "accounts.LoginRecord" in page and IP not in page


def test_officer_places_and_releases_a_hold_with_reasons(officer_client, member):
    response = officer_client.post(
        "/staff/privacy/retention/holds/",
        {"member_id": member.member_id.lower(), "reason": "Court order 12/2025"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.member, hold.reason, hold.released_at) == (member, "Court order 12/2025", None)
    assert "Court order 12/2025" in officer_client.get("/staff/privacy/retention/holds/").content.decode()

    officer_client.post(f"/staff/privacy/retention/holds/{hold.pk}/release/", {"reason": ""})
    hold.refresh_from_db()
    assert hold.released_at is None  # a release needs a reason too
    officer_client.post(f"/staff/privacy/retention/holds/{hold.pk}/release/", {"reason": "Case closed"})
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.release_reason == "Case closed"


def test_a_hold_on_an_unknown_member_is_refused_on_the_page(officer_client):
    response = officer_client.post(
        "/staff/privacy/retention/holds/", {"member_id": "SH-NOBODY00", "reason": "x"}
    )
    assert response.status_code == 200 and not LegalHold.objects.exists()


@pytest.mark.parametrize("path", ["", "log/", "holds/"])
def test_other_staff_cannot_open_the_retention_pages(client, make_staff, path):
    staff, secret = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get(f"/staff/privacy/retention/{path}").status_code == 403
