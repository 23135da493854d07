"""Ledger memos (issue 15 point 5, issue 17): one function builds them, as a code and parameters;
they never carry bank details; they are shown in the reader's language."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from snshelper.core.encryption import decrypt
from snshelper.privacy_rights.export import services as export
from snshelper.wallet import memos, services
from snshelper.wallet.errors import WalletError
from snshelper.wallet.models import LedgerTransaction, RefundBankAccount, Withdrawal
from tests.conftest import sign_in
from tests.test_privacy_export import load

pytestmark = pytest.mark.django_db
D = Decimal
SENTINEL_NUMBER = "9081726354012"  # 13 digits, found nowhere else
SENTINEL_HOLDER = "Kanokwan Sentinelholder"


def every_value_in_the_database():
    """(table, column, value as text) for every column of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    yield table, column, "" if value is None else str(value)


def payouts_with_a_sentinel_account(funded, make_staff):
    finance, _ = make_staff("finance")
    services.save_refund_account(
        member=funded, bank_name="KBank", account_holder=SENTINEL_HOLDER, account_number=SENTINEL_NUMBER
    )
    paid = services.request_withdrawal(member=funded, amount="300", idempotency_key="w1")
    services.pay_withdrawal(withdrawal=paid, by=finance, payout_reference="KB-20261207-01")
    returned = services.request_withdrawal(member=funded, amount="200", idempotency_key="w2")
    services.reject_withdrawal(withdrawal=returned, by=finance, reason="The bank returned the transfer")
    services.adjust_balance(
        member=funded,
        amount=D("25"),
        reason=f"Fee refunded for {paid.reference}",
        by=finance,
        idempotency_key="a1",
    )
    return finance, paid, returned


def test_a_payout_with_a_sentinel_account_number_leaves_it_in_no_column_but_the_encrypted_ones(
    funded, make_staff, client
):
    _finance, paid, _returned = payouts_with_a_sentinel_account(funded, make_staff)
    sign_in(client, funded.email)
    assert client.get("/wallet/").status_code == 200
    export.prepare(export.request_view(member=funded).export)

    found = [
        (table, column)
        for table, column, value in every_value_in_the_database()
        for secret in (SENTINEL_NUMBER, SENTINEL_NUMBER[-6:], SENTINEL_HOLDER)
        if secret in value
    ]
    assert found == []
    # The account really is stored, encrypted, where it must be (the grep looked at real data).
    with connection.cursor() as cursor:
        cursor.execute("SELECT account_number FROM wallet_withdrawal WHERE id = %s", [paid.pk])
        assert decrypt(cursor.fetchone()[0]) == SENTINEL_NUMBER
    assert RefundBankAccount._meta.get_field("account_number").encrypted
    assert Withdrawal._meta.get_field("account_number").encrypted
    memo_rows = LedgerTransaction.objects.filter(kind__startswith="withdrawal").values_list("memo", flat=True)
    assert {memos.parse(m).code for m in memo_rows} == {memos.WITHDRAWAL}


def test_a_reason_naming_the_members_bank_account_is_refused_and_nothing_posted(funded, make_staff):
    finance, _ = make_staff("finance")
    services.save_refund_account(
        member=funded, bank_name="KBank", account_holder="Somchai", account_number="1234567890"
    )
    before = LedgerTransaction.objects.count()
    for reason in ("Paid back to 123-456-7890", "Refund to acct 9081726354012 (new)"):
        with pytest.raises(WalletError):
            services.adjust_balance(
                member=funded, amount=D("5"), reason=reason, by=finance, idempotency_key=reason
            )
    assert LedgerTransaction.objects.count() == before


def test_memos_are_made_only_by_the_builder_with_exactly_their_parameters():
    assert memos.build(memos.WITHDRAWAL, reference="WD-ABCD2345") == (
        memos.WITHDRAWAL,
        {"reference": "WD-ABCD2345"},
    )
    for code, params in [
        (memos.WITHDRAWAL, {"reference": f"WD-ABCD2345 {SENTINEL_NUMBER}"}),
        (memos.WITHDRAWAL, {"reference": "WD-ABCD2345", "account": SENTINEL_NUMBER}),
        (memos.ORDER_CHARGE, {"order": "5; account 9081726354012"}),
        ("free_text", {}),
    ]:
        with pytest.raises(ValueError):
            memos.build(code, **params)
    with pytest.raises(TypeError):
        memos.stored(f"Withdrawal to {SENTINEL_NUMBER}")  # the ledger refuses free text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Withdrawal WD-"),
        ("th", "ถอนเงิน WD-"),
        ("ko", "출금 WD-"),
    ],
)
def test_memos_are_shown_in_the_readers_language_on_the_wallet_page_and_in_the_export(
    funded, make_staff, client, language, text
):
    payouts_with_a_sentinel_account(funded, make_staff)
    funded.language = language
    funded.save(update_fields=["language"])
    sign_in(client, funded.email)
    page = client.get("/wallet/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert text in page and '"code"' not in page
    rows = load(export.prepare(export.request_view(member=funded).export))["records"]
    written = [row["memo"] for row in rows["wallet.LedgerTransaction"]["rows"]]
    assert any(memo.startswith(text) for memo in written) and not any('"code"' in m for m in written)


def test_memos_from_before_codes_are_still_shown_in_the_readers_language():
    with translation.override("en"):
        assert memos.render("Order #12") == "Order #12"
        assert memos.render("Order #12 Canceled") == "Refund of order #12 (canceled)"
        assert memos.render("A goodwill credit") == "A goodwill credit"  # free text as it was
        assert memos.render("") == ""
    with translation.override("th"):
        assert memos.render("WD-ABCD2345") != "WD-ABCD2345" and "WD-ABCD2345" in memos.render("WD-ABCD2345")
