"""Demo data for the privacy engine: the policy's version, and something on the privacy officer's
desk (a question and a correction request from the demo member)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from snshelper.accounts import selectors as account_selectors
from snshelper.orders.models import Order
from snshelper.privacy.models import DataSubjectRequest, PrivacyInquiry
from snshelper.privacy_rights.policy import versions
from snshelper.privacy_rights.requests import inquiries
from snshelper.privacy_rights.requests import services as requests

DEMO_OFFICER = "privacy@demo.test"
DEMO_REASONS = {
    "th": "ข้อมูลตัวอย่างถูกโหลดด้วยการตั้งค่าใหม่ของเซิร์ฟเวอร์นี้",
    "en": "The demo data was loaded with this server's new settings.",
    "ko": "이 서버의 새 설정으로 데모 데이터를 불러왔습니다.",
}
DEMO_SUMMARY = {
    "th": "ระยะเวลา ผู้รับข้อมูล หรือคุกกี้ตามการตั้งค่าใหม่ ดูรายละเอียดในเวอร์ชันนี้",
    "en": "Periods, recipients or cookies as the new settings make them: see this version.",
    "ko": "새 설정에 따른 보관 기간, 수령인 또는 쿠키: 이 버전을 확인하세요.",
}


def publish_demo_policy() -> None:
    """The demo publishes the policy its settings make: version 1 on first load, and a new version
    (announced the usual days ahead) when it is loaded again with settings that changed it, so the
    demo server starts (the policy is what runs, P19)."""
    latest = versions.ensure_initial_version()
    if not versions.unpublished_differences(latest):
        return
    after = max(versions.earliest_effective_at(), latest.effective_at)
    day = timezone.localdate(after) + timedelta(days=1)
    versions.publish(
        by=account_selectors.member_by_email(DEMO_OFFICER),
        effective_at=timezone.make_aware(datetime.combine(day, time.min)),
        reasons=DEMO_REASONS,
        summary=DEMO_SUMMARY,
    )


def load_demo_privacy(member) -> None:
    publish_demo_policy()
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
            record_id=order.pk,
            value=order.link.rstrip("/") + "_shop/",
            details="ฉันเปลี่ยนชื่อบัญชีร้านแล้ว",
        )
