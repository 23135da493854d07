"""Top-ups: bank transfer with a checked slip, PromptPay QR; finance credits exactly once."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from snshelper.core import clock
from snshelper.core.uploads import UploadRefused
from snshelper.wallet import promptpay, selectors, services
from snshelper.wallet.errors import InvalidAmount, WalletError
from snshelper.wallet.models import LedgerTransaction, TopUp

pytestmark = pytest.mark.django_db
D = Decimal


def png_slip(name="slip.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def bank_top_up(member, slip=None, **overrides):
    fields = {
        "amount": Decimal("1500.00"),
        "bank_account": "kbank",
        "transferred_at": clock.now() - timedelta(minutes=3),
        "payer_name": "สมชาย ใจดี",
        "payer_bank": "SCB",
        "slip": slip or png_slip(),
    }
    return services.create_bank_transfer_top_up(member=member, **{**fields, **overrides})


def stored_slips() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT, "slips").rglob("*") if p.is_file()]


def test_bank_transfer_waits_for_finance_then_credits_exactly_once(member, make_staff):
    finance, _ = make_staff("finance")
    top_up = bank_top_up(member)
    assert top_up.status == TopUp.Status.PENDING_REVIEW and selectors.balance(member) == 0
    services.approve_top_up(top_up=top_up, by=finance)
    services.approve_top_up(top_up=top_up, by=finance)  # a double click
    assert selectors.balance(member) == D("1500.00")
    assert LedgerTransaction.objects.filter(kind="top_up").count() == 1
    top_up.refresh_from_db()
    assert (top_up.status, top_up.reviewed_by) == (TopUp.Status.APPROVED, finance)


def test_slip_is_stored_under_a_random_name_outside_the_web_root(member):
    top_up = bank_top_up(member, slip=png_slip("my bank slip somchai.png"))
    assert "somchai" not in top_up.slip.name and top_up.slip.name.startswith("slips/")
    assert Path(top_up.slip.path).is_relative_to(settings.MEDIA_ROOT)
    assert not Path(top_up.slip.path).is_relative_to(settings.STATIC_ROOT)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 not an image at all", "slip.png"),
        (b"<html><script>alert(1)</script>", "slip.jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "slip.png"),
    ],
)
def test_a_slip_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_stored(member, content, name):
    before = stored_slips()
    with pytest.raises(UploadRefused) as refused:
        bank_top_up(member, slip=SimpleUploadedFile(name, content, content_type="image/png"))
    assert "JPEG, PNG, PDF" in str(refused.value.message)
    assert stored_slips() == before and not TopUp.objects.exists()


def test_a_slip_that_is_too_large_is_refused_and_nothing_is_stored(member, settings):
    settings.SLIP_MAX_BYTES = 100
    before = stored_slips()
    with pytest.raises(UploadRefused) as refused:
        bank_top_up(member)
    assert "MB" in str(refused.value.message)
    assert stored_slips() == before and not TopUp.objects.exists()


def test_a_pdf_slip_is_accepted(member):
    slip = SimpleUploadedFile(
        "slip.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    assert bank_top_up(member, slip=slip).slip_content_type == "application/pdf"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"amount": Decimal("10")}, InvalidAmount),
        ({"amount": Decimal("100.005")}, InvalidAmount),
        ({"bank_account": "nope"}, WalletError),
        ({"payer_name": "  "}, WalletError),
        ({"transferred_at": None}, WalletError),
    ],
)
def test_bad_bank_transfer_details_are_refused(member, overrides, error):
    with pytest.raises(error):
        bank_top_up(member, **overrides)
    assert not TopUp.objects.exists()


def test_rejection_needs_a_reason_the_member_sees_and_credits_nothing(member, make_staff):
    finance, _ = make_staff("finance")
    top_up = bank_top_up(member)
    with pytest.raises(WalletError):
        services.reject_top_up(top_up=top_up, by=finance, reason="")
    services.reject_top_up(top_up=top_up, by=finance, reason="No transfer found on 25 Nov")
    top_up.refresh_from_db()
    assert (top_up.status, top_up.reject_reason) == (TopUp.Status.REJECTED, "No transfer found on 25 Nov")
    with pytest.raises(WalletError):
        services.approve_top_up(top_up=top_up, by=finance)
    assert selectors.balance(member) == 0


def test_promptpay_top_up_carries_a_payload_for_exactly_its_amount(member, settings):
    settings.PROMPTPAY_ID = "0812345678"
    top_up = services.create_promptpay_top_up(member=member, amount=Decimal("250"))
    tags = promptpay.parse_payload(top_up.promptpay_payload)
    assert tags["54"] == "250.00" and "0066812345678" in tags["29"]
    assert top_up.status == TopUp.Status.AWAITING_PAYMENT


def test_unpaid_promptpay_top_ups_expire(member, clock):
    top_up = services.create_promptpay_top_up(member=member, amount=Decimal("250"))
    clock.advance(timedelta(minutes=settings.PROMPTPAY_EXPIRY_MINUTES - 1))
    assert services.expire_unpaid_top_ups() == 0
    clock.advance(timedelta(minutes=2))
    assert services.expire_unpaid_top_ups() == 1
    top_up.refresh_from_db()
    assert top_up.status == TopUp.Status.EXPIRED


def test_member_marks_promptpay_paid_and_finance_confirms(member, make_staff):
    finance, _ = make_staff("finance")
    top_up = services.create_promptpay_top_up(member=member, amount=Decimal("250"))
    services.mark_paid(top_up=top_up, member=member)
    services.approve_top_up(top_up=top_up, by=finance)
    assert selectors.balance(member) == D("250")


def test_payer_name_is_encrypted_at_rest(member):
    top_up = bank_top_up(member, payer_name="Somchai Jaidee")
    with connection.cursor() as cursor:
        cursor.execute("SELECT payer_name FROM wallet_topup WHERE id = %s", [top_up.pk])
        (stored,) = cursor.fetchone()
    assert "Somchai" not in stored
