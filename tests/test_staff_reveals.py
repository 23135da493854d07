"""Masked personal data and the reveal log (P16): a permitted, pledged, current staff member reveals a
field with a reason; each reveal writes exactly one append-only log row, kept 2 years, that the
privacy officer can search. Anyone else is refused and nothing is written."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from snshelper.accounts.models import Member
from snshelper.core.masking import mask
from snshelper.privacy import sweeps
from snshelper.privacy.retention import add_months
from snshelper.staff import reveals, roles, services
from snshelper.staff.models import RevealLog, SecurityPledge
from snshelper.wallet import services as wallet
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NUMBER = "1234567890"
HOLDER = "สมชาย ใจดี"
FIELD = "wallet.Withdrawal.account_number"


@pytest.fixture(autouse=True)
def start(clock):
    clock.travel_to(T0)
    return clock


@pytest.fixture
def withdrawal(funded):
    wallet.save_refund_account(member=funded, bank_name="KBank", account_holder=HOLDER, account_number=NUMBER)
    return wallet.request_withdrawal(member=funded, amount=Decimal("400"), idempotency_key="w1")


@pytest.fixture
def finance(make_staff):
    staff, _secret = make_staff(roles.FINANCE)
    return staff


def _reveal(staff, withdrawal, field=FIELD, reason="Paying the withdrawal"):
    return reveals.reveal(
        staff=staff,
        member=withdrawal.member,
        field=field,
        reason=reason,
        record=withdrawal,
        ip_address="10.0.0.5",
    )


def test_revealing_a_field_returns_it_and_writes_exactly_one_log_row(finance, withdrawal):
    assert _reveal(finance, withdrawal) == NUMBER
    row = RevealLog.objects.get()
    assert (row.staff, row.member, row.field, row.reason, row.at, row.ip_address) == (
        finance,
        withdrawal.member,
        FIELD,
        "Paying the withdrawal",
        T0,
        "10.0.0.5",
    )


def test_several_fields_are_revealed_all_or_none(finance, withdrawal):
    """A page showing two fields at once logs both, or, when one is refused, neither."""
    asks = [("number", FIELD, withdrawal), ("holder", "wallet.Withdrawal.account_holder", withdrawal)]
    shown = reveals.reveal_many(staff=finance, member=withdrawal.member, asks=asks, reason="Paying it")
    assert shown == {"number": NUMBER, "holder": withdrawal.account_holder}
    assert RevealLog.objects.count() == 2
    with pytest.raises(reveals.NotPermitted):
        reveals.reveal_many(
            staff=finance,
            member=withdrawal.member,
            asks=[*asks, ("phone", "accounts.Member.phone", withdrawal.member)],  # not finance's to see
            reason="Paying it",
        )
    assert RevealLog.objects.count() == 2


def test_an_unpledged_staff_member_is_refused_and_nothing_is_written(make_staff, withdrawal):
    staff, _secret = make_staff(roles.FINANCE, pledged=False)
    with pytest.raises(reveals.PledgeOrAccessMissing):
        _reveal(staff, withdrawal)
    assert RevealLog.objects.count() == 0


def test_a_staff_member_whose_pledge_was_withdrawn_is_refused(finance, withdrawal):
    SecurityPledge.objects.filter(staff=finance).delete()
    with pytest.raises(reveals.PledgeOrAccessMissing):
        _reveal(finance, withdrawal)
    assert RevealLog.objects.count() == 0


def test_a_departed_staff_member_is_refused_even_before_the_job_ends_access(
    finance, make_staff, withdrawal, start
):
    administrator, _secret = make_staff(roles.ADMINISTRATOR)
    colleague, _secret = make_staff(roles.FINANCE, email="colleague@example.test")
    services.record_hand_over(
        staff=finance,
        effective_at=T0 + timedelta(hours=1),
        reassigned_to=colleague,
        open_work_summary="",
        responsibility_statement="Keeps what was seen confidential.",
        by=administrator,
    )
    assert _reveal(finance, withdrawal) == NUMBER  # still in post
    start.advance(timedelta(hours=1))
    with pytest.raises(reveals.PledgeOrAccessMissing):
        _reveal(finance, withdrawal)
    assert RevealLog.objects.count() == 1


@pytest.mark.parametrize("role", [roles.MARKETING, roles.SUPPORT, roles.PRIVACY_OFFICER, roles.ADMINISTRATOR])
def test_a_role_the_matrix_does_not_name_for_the_field_is_refused(make_staff, withdrawal, role):
    staff, _secret = make_staff(role)
    with pytest.raises(reveals.NotPermitted):
        _reveal(staff, withdrawal)
    assert RevealLog.objects.count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reveal_without_a_reason_is_refused(finance, withdrawal, reason):
    with pytest.raises(reveals.ReasonRequired), translation.override("en"):
        _reveal(finance, withdrawal, reason=reason)
    assert RevealLog.objects.count() == 0


def test_a_field_outside_the_matrix_or_of_another_record_is_refused(finance, withdrawal):
    with pytest.raises(reveals.NotPermitted):  # personal, but not finance's to reveal
        _reveal(finance, withdrawal, field="wallet.Withdrawal.reject_reason")
    with pytest.raises(reveals.UnknownField):  # not personal data at all
        _reveal(finance, withdrawal, field="wallet.Withdrawal.reference")
    with pytest.raises(reveals.UnknownField):
        _reveal(finance, withdrawal, field="wallet.RefundBankAccount.account_number")
    assert RevealLog.objects.count() == 0


def test_the_privacy_officer_may_reveal_any_registered_field_and_only_that(make_staff, withdrawal):
    officer, _secret = make_staff(roles.PRIVACY_OFFICER)
    assert _reveal(officer, withdrawal, field="wallet.Withdrawal.reject_reason", reason="Complaint 12") == ""
    with pytest.raises(reveals.UnknownField):
        _reveal(officer, withdrawal, field="wallet.Withdrawal.reference")
    assert RevealLog.objects.count() == 1


def test_log_rows_cannot_be_changed_or_removed_through_the_orm(finance, withdrawal):
    _reveal(finance, withdrawal)
    row = RevealLog.objects.get()
    row.reason = "something else"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        RevealLog.objects.update(reason="x")
    with pytest.raises(TypeError):
        RevealLog.objects.all().delete()
    assert RevealLog.objects.get().reason == "Paying the withdrawal"


def test_on_postgresql_the_database_refuses_to_change_a_log_row(finance, withdrawal):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger guards PostgreSQL; the models guard every database")
    _reveal(finance, withdrawal)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE staff_reveallog SET reason = 'changed'")
    assert RevealLog.objects.get().reason == "Paying the withdrawal"


def test_the_log_is_kept_two_years_then_swept(finance, withdrawal, start):
    _reveal(finance, withdrawal)
    start.travel_to(add_months(T0, 24) - timedelta(days=1))
    sweeps.run()
    assert RevealLog.objects.count() == 1
    start.travel_to(add_months(T0, 24) + timedelta(days=1))
    sweeps.run()
    assert RevealLog.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        ("1234567890", "account", "•••• 7890"),
        ("0812345678", "phone", "08•••••678"),
        ("somchai@example.test", "email", "s•••@example.test"),
        ("สมชาย ใจดี", "text", "ส•••"),
        ("", "text", ""),
    ],
)
def test_masks(value, kind, shown):
    assert mask(value, kind) == shown


# --- Finance's withdrawals page -------------------------------------------------------------------


@pytest.fixture
def finance_client(client, make_staff):
    staff, secret = make_staff(roles.FINANCE, email="finance-page@example.test")
    sign_in(client, staff.email, totp_secret=secret)
    client.staff = staff
    return client


def test_withdrawals_page_masks_bank_details_until_revealed_with_a_reason(finance_client, withdrawal):
    page = finance_client.get("/wallet/staff/withdrawals/", **EN).content.decode()
    assert "•••• 7890" in page and NUMBER not in page and HOLDER not in page
    assert RevealLog.objects.count() == 0

    refused = finance_client.post(
        "/wallet/staff/withdrawals/", {"withdrawal": withdrawal.pk, "reason": ""}, **EN
    )
    assert NUMBER not in refused.content.decode() and RevealLog.objects.count() == 0
    assert "Say why you need to see this personal data." in refused.content.decode()

    shown = finance_client.post(
        "/wallet/staff/withdrawals/", {"withdrawal": withdrawal.pk, "reason": "Paying it now"}, **EN
    ).content.decode()
    assert NUMBER in shown and HOLDER in shown
    logged = RevealLog.objects.order_by("field")
    assert [(row.field, row.staff, row.member, row.reason) for row in logged] == [
        ("wallet.Withdrawal.account_holder", finance_client.staff, withdrawal.member, "Paying it now"),
        ("wallet.Withdrawal.account_number", finance_client.staff, withdrawal.member, "Paying it now"),
    ]
    again = finance_client.get("/wallet/staff/withdrawals/").content.decode()
    assert NUMBER not in again  # shown for that response only


def test_revealing_several_fields_on_a_page_reads_the_roles_once(finance_client, withdrawal):
    """The page's gate and each field's reveal check share one read of the viewer's roles."""
    groups = Member.groups.through._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        shown = finance_client.post(
            "/wallet/staff/withdrawals/", {"withdrawal": withdrawal.pk, "reason": "Paying it now"}, **EN
        )
    assert NUMBER in shown.content.decode() and RevealLog.objects.count() == 2
    assert sum(1 for query in queries.captured_queries if groups in query["sql"]) == 1


def test_top_ups_page_masks_the_payer_name_until_revealed_with_a_reason(finance_client, member):
    from tests.test_wallet_topups import bank_top_up

    top_up = bank_top_up(member, payer_name="Kanokwan Payername")
    page = finance_client.get("/wallet/staff/top-ups/", **EN).content.decode()
    assert "Kanokwan Payername" not in page and RevealLog.objects.count() == 0
    shown = finance_client.post(
        "/wallet/staff/top-ups/", {"top_up": top_up.pk, "reason": "Matching the bank statement"}, **EN
    ).content.decode()
    assert "Kanokwan Payername" in shown
    (row,) = RevealLog.objects.all()
    assert (row.field, row.member, row.reason) == (
        "wallet.TopUp.payer_name",
        member,
        "Matching the bank statement",
    )
    assert "Kanokwan Payername" not in finance_client.get("/wallet/staff/top-ups/").content.decode()


# --- The privacy officer's search -------------------------------------------------------------------


def test_the_privacy_officer_finds_a_reveal_by_member_id(
    client, make_staff, make_member, finance, withdrawal
):
    other = make_member(email="other@example.test")
    _reveal(finance, withdrawal, reason="Paying the withdrawal")
    reveals.reveal(
        staff=finance, member=other, field=FIELD, reason="Another payout", record=withdrawal, ip_address=None
    )
    officer, secret = make_staff(roles.PRIVACY_OFFICER)
    sign_in(client, officer.email, totp_secret=secret)
    page = client.get("/staff/reveals/", {"member_id": withdrawal.member.member_id}, **EN).content.decode()
    assert "Paying the withdrawal" in page and "Another payout" not in page
    assert finance.member_id in page and FIELD in page
    by_staff = client.get("/staff/reveals/", {"staff_id": finance.member_id}, **EN).content.decode()
    assert "Paying the withdrawal" in by_staff and "Another payout" in by_staff
    later = client.get("/staff/reveals/", {"since": "2026-03-03"}, **EN).content.decode()
    assert "Paying the withdrawal" not in later and "No reveals match." in later
    same_day = client.get("/staff/reveals/", {"since": "2026-03-02", "until": "2026-03-02"}, **EN)
    assert "Paying the withdrawal" in same_day.content.decode()


@pytest.mark.parametrize("role", [roles.FINANCE, roles.ADMINISTRATOR, roles.SUPPORT, roles.MARKETING])
def test_only_the_privacy_officer_opens_the_reveal_log(client, make_staff, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get("/staff/reveals/").status_code == 403


def test_the_django_admin_shows_no_members_email_and_masks_login_addresses(client, make_staff, member):
    from snshelper.accounts.models import LoginRecord

    LoginRecord.objects.create(member=member, ip_address="203.0.113.77", result="success")
    admin_staff, secret = make_staff(roles.ADMINISTRATOR)
    sign_in(client, admin_staff.email, totp_secret=secret)
    change = client.get(f"/admin/accounts/member/{member.pk}/change/").content.decode()
    assert member.member_id in change and member.email not in change and member.name not in change
    client.logout()
    officer, secret = make_staff(roles.PRIVACY_OFFICER)
    sign_in(client, officer.email, totp_secret=secret)
    records = client.get("/admin/accounts/loginrecord/")
    assert records.status_code == 200 and "203.0.113.77" not in records.content.decode()


def test_the_privacy_officer_reviews_each_month_who_revealed_what(
    client, finance, withdrawal, start, make_staff
):
    from datetime import date

    _reveal(finance, withdrawal)
    _reveal(finance, withdrawal, field="wallet.Withdrawal.account_holder")
    start.travel_to(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # 22:00 in Bangkok
    _reveal(finance, withdrawal, reason="Late payout")
    start.travel_to(datetime(2026, 4, 1, 3, 0, tzinfo=UTC))  # next month: not in March's review
    _reveal(finance, withdrawal, reason="April payout")

    (line,) = reveals.monthly_report(date(2026, 3, 1))
    assert (line.staff_id, line.reveals, line.members, line.outside_hours) == (finance.member_id, 3, 1, 1)
    assert line.fields == ["wallet.Withdrawal.account_holder", "wallet.Withdrawal.account_number"]

    officer, secret = make_staff(roles.PRIVACY_OFFICER)
    sign_in(client, officer.email, totp_secret=secret)
    page = client.get("/staff/reveals/report/?month=2026-03", **EN).content.decode()
    assert finance.member_id in page and 'data-testid="reveal-report"' in page
    assert (
        "No personal data was revealed"
        in client.get("/staff/reveals/report/?month=2026-01", **EN).content.decode()
    )
