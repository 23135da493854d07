"""The withdrawn-member store keeps each record on its own clock (P5): a payment leaves 5 years
from the payment, a complaint 5 years from its closing — not 5 years from the withdrawal — and
after a withdrawal no encrypted leftover (phone, payout bank details, API key) stays in the
ordinary tables."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps

from snshelper.api import services as api_services
from snshelper.core.encryption import encrypted_fields
from snshelper.privacy import sweeps
from snshelper.privacy.models import WithdrawnMember, WithdrawnRecord
from snshelper.privacy.retention import add_months
from snshelper.privacy_rights.withdrawal import selectors as withdrawn_selectors
from snshelper.privacy_rights.withdrawal import services as withdrawal
from snshelper.support import services as support
from tests.test_privacy_withdrawal import (  # noqa: F401 - the fixture, used by name
    NAME,
    PHONE,
    PHONE_DIGITS,
    _ordinary_tables_as_text,
    settled,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 3, 10, 5, 0, tzinfo=UTC)  # the payment (and the whole history of `settled`)
ACCOUNT_NUMBER = "1234567890"  # the refund account `settled` was paid to (given as 123-4-56789-0)
DAY = timedelta(days=1)


def _records(member_id: str) -> dict:
    entry = WithdrawnMember.objects.get(member_id=member_id)
    return withdrawn_selectors.document(entry)["records"]


def _sweep_at(clock, moment):
    clock.travel_to(moment)
    sweeps.run()


def test_p5_a_payout_already_four_years_old_at_withdrawal_leaves_five_years_after_the_payout(request, clock):
    clock.travel_to(T0)
    member = request.getfixturevalue("settled")  # paid in, ordered, paid out: all at T0
    withdrawn_at = add_months(T0, 48)
    clock.travel_to(withdrawn_at)
    entry = withdrawal.withdraw(member=member)
    payout = WithdrawnRecord.objects.get(withdrawn=entry, record_type="wallet.Withdrawal")
    assert (payout.rule, payout.counted_from, payout.destroy_after) == ("payment", T0, add_months(T0, 60))
    assert [row["account_number"] for row in _records(member.member_id)["wallet.Withdrawal"]] == [
        ACCOUNT_NUMBER
    ]

    _sweep_at(clock, add_months(T0, 60) - DAY)
    kept = _records(member.member_id)
    assert {"wallet.Withdrawal", "wallet.TopUp", "wallet.LedgerTransaction"} <= set(kept)

    _sweep_at(clock, add_months(T0, 60) + DAY)  # 5 years from the payment, not from the withdrawal
    kept = _records(member.member_id)
    assert not {"wallet.Withdrawal", "wallet.TopUp", "wallet.LedgerTransaction"} & set(kept)
    assert ACCOUNT_NUMBER not in str(kept)
    # The complaint still open at withdrawal counts from the withdrawal; the identity stays with it.
    assert [row["subject"] for row in kept["privacy.PrivacyInquiry"]] == ["Wrong charge"]
    entry.refresh_from_db()
    assert entry.destroy_after == add_months(withdrawn_at, 60)


def test_p5_a_complaint_closed_before_withdrawal_leaves_five_years_after_its_closing(request, clock):
    clock.travel_to(T0)
    member = request.getfixturevalue("settled")
    complaint = support.open_consultation(
        member=member, topic="complaint", subject="Charged twice", body="Please look at my bill"
    )
    closed_at = add_months(T0, 12)
    clock.travel_to(closed_at)
    support.close(consultation=complaint, by=member)
    clock.travel_to(add_months(T0, 40))
    withdrawal.withdraw(member=member)

    _sweep_at(clock, add_months(closed_at, 60) - DAY)
    kept = _records(member.member_id)
    assert [row["subject"] for row in kept["support.Consultation"]] == ["Charged twice"]
    assert [row["body"] for row in kept["support.Message"]] == ["Please look at my bill"]

    _sweep_at(clock, add_months(closed_at, 60) + DAY)
    kept = _records(member.member_id)
    assert "support.Consultation" not in kept and "support.Message" not in kept
    assert "Charged twice" not in str(kept)


def test_p5_no_encrypted_leftover_stays_in_the_ordinary_tables_after_withdrawal(settled):  # noqa: F811
    key = api_services.create_key(member=settled, name="second panel")
    secret_hash = hashlib.sha256(key.secret.encode()).hexdigest()
    withdrawal.withdraw(member=settled)

    # Encrypted columns cannot be searched as text: open every one outside the store.
    store = {WithdrawnMember, WithdrawnRecord}
    opened = []
    for model, field in encrypted_fields():
        if model in store:
            continue
        opened += [str(value) for value in model._base_manager.values_list(field.name, flat=True) if value]
    opened_text = "\n".join(opened).lower()
    for secret in (PHONE, PHONE_DIGITS, ACCOUNT_NUMBER, "123-4-56789-0", NAME.lower()):
        assert secret.lower() not in opened_text, secret
    clear = _ordinary_tables_as_text()
    for secret in (key.secret, key.key.prefix, key.key.secret_hash, secret_hash):
        assert secret.lower() not in clear
    assert not apps.get_model("api.ApiKey").objects.filter(member=settled).exists()
    assert not apps.get_model("wallet.RefundBankAccount").objects.filter(member=settled).exists()
