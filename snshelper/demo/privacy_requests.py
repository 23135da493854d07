"""Demo data for the privacy engine: the policy's first version, and something on the privacy
officer's desk (a question and a correction request from the demo member)."""

from snshelper.orders.models import Order
from snshelper.privacy.models import DataSubjectRequest, PrivacyInquiry
from snshelper.privacy_rights.policy import versions
from snshelper.privacy_rights.requests import inquiries
from snshelper.privacy_rights.requests import services as requests


def load_demo_privacy(member) -> None:
    versions.ensure_initial_version()
    if not PrivacyInquiry.objects.filter(member=member).exists():
        inquiries.ask(
            member=member,
            kind=PrivacyInquiry.Kind.QUESTION,
            subject="เก็บสลิปโอนเงินของฉันไว้นานแค่ไหน",
            body="สลิปที่ฉันอัปโหลดตอนเติมเงินจะถูกเก็บไว้นานเท่าไร และใครเห็นได้บ้างคะ",
        )
    order = Order.objects.filter(member=member, service__fulfilment="manual").order_by("pk").first()
    if order is not None and not DataSubjectRequest.objects.filter(member=member).exists():
        requests.request_correction(
            member=member,
            target_key="orders.Order.link",
            record_id=str(order.pk),
            value=order.link.rstrip("/") + "_shop/",
            details="ฉันเปลี่ยนชื่อบัญชีร้านแล้ว",
        )
