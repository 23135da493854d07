"""Demo data: a member and one staff account per role, every one with a known password.

Idempotent: a second run finds what the first made and changes nothing but the passwords.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from snshelper.accounts import selectors as account_selectors
from snshelper.accounts import services as account_services
from snshelper.core import clock, encryption
from snshelper.demo.catalogue import load_demo_catalog
from snshelper.demo.orders import load_demo_orders
from snshelper.demo.pages import load_demo_pages
from snshelper.demo.privacy_requests import load_demo_privacy
from snshelper.demo.provider import load_demo_provider
from snshelper.demo.support import load_demo_support
from snshelper.staff import roles
from snshelper.staff import services as staff_services
from snshelper.wallet import services as wallet_services
from snshelper.wallet.models import TopUp
from snshelper.web.models import Announcement

DEMO_PASSWORD = "snshelper-demo"  # noqa: S105 (published on purpose: demo accounts only)

DEMO_MEMBER = ("member@demo.test", "สมชาย ใจดี")
DEMO_STAFF = [
    ("admin@demo.test", "Demo Administrator", roles.ADMINISTRATOR),
    ("marketing@demo.test", "Demo Marketing", roles.MARKETING),
    ("finance@demo.test", "Demo Finance", roles.FINANCE),
    ("support@demo.test", "Demo Support", roles.SUPPORT),
    ("privacy@demo.test", "Demo Privacy Officer", roles.PRIVACY_OFFICER),
]


@dataclass
class DemoAccount:
    email: str
    role: str
    member_id: str
    totp_secret: str = ""


def _member(email: str, name: str):
    member = account_selectors.member_by_email(email)
    if member is None:
        member = account_services.register_member(
            email=email, name=name, password=DEMO_PASSWORD, verified=True
        )
    else:
        member.set_password(DEMO_PASSWORD)
        member.save(update_fields=["password"])
    return member


def totp_secret(member) -> str:
    """The demo account's TOTP secret, set up on first use."""
    authenticator = Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        secret = generate_totp_secret()
        TOTP.activate(member, secret)
        return secret
    return encryption.decrypt(authenticator.data["secret"])


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    accounts = []
    member = _member(*DEMO_MEMBER)
    accounts.append(DemoAccount(member.email, "member", member.member_id))
    for email, name, role in DEMO_STAFF:
        staff = _member(email, name)
        staff_services.appoint(member=staff, role=role)
        staff_services.sign_pledge(staff=staff)  # demo staff can open staff pages at once
        accounts.append(DemoAccount(email, role, staff.member_id, totp_secret(staff)))
    load_demo_catalog()
    marketing = account_selectors.member_by_email("marketing@demo.test")
    load_demo_orders(member, marketing)
    load_demo_provider(member)
    _pending_top_ups(member)
    load_demo_privacy(member)
    load_demo_support(member, account_selectors.member_by_email("support@demo.test"))
    load_demo_pages(by=marketing)
    if not Announcement.objects.exists():
        Announcement.objects.create(
            title_th="ยินดีต้อนรับสู่ SNS Helper",
            title_en="Welcome to SNS Helper",
            title_ko="SNS Helper에 오신 것을 환영합니다",
            body_th="บริการของเราเปิดตลอด 24 ชั่วโมง มีคำถามกดปุ่ม LINE สีเขียวได้เลย",
            body_en="Our services are open 24 hours. Questions? Press the green LINE button.",
            body_ko="저희 서비스는 24시간 운영됩니다. 궁금한 점은 초록색 LINE 버튼을 눌러 주세요.",
        )
    return accounts


def _slip_image() -> SimpleUploadedFile:
    """A drawn stand-in for a bank app's transfer slip (a real PNG, checked like any upload)."""
    image = Image.new("RGB", (360, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 360, 70), fill=(0, 166, 81))
    for y, line in enumerate(
        [
            "Transfer successful",
            "To: SNS Helper Co., Ltd.",
            "KBank 012-3-45678-9",
            "Amount: 1,500.00 THB",
            "Ref: DEMO-SLIP-0001",
        ]
    ):
        draw.text((24, 100 + y * 40), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("slip.png", buffer.getvalue(), content_type="image/png")


def _pending_top_ups(member) -> None:
    """Work for finance: a bank transfer with its slip and a PromptPay payment to confirm."""
    if TopUp.objects.filter(member=member, status=TopUp.Status.PENDING_REVIEW).exists():
        return
    wallet_services.create_bank_transfer_top_up(
        member=member,
        amount=Decimal("1500"),
        bank_account=wallet_services.bank_accounts()[0]["key"],
        transferred_at=clock.now(),
        payer_name="สมชาย ใจดี",
        payer_bank="SCB",
        slip=_slip_image(),
    )
    promptpay = wallet_services.create_promptpay_top_up(member=member, amount=Decimal("300"))
    wallet_services.mark_paid(top_up=promptpay, member=member)
