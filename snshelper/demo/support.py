"""Demo data for customer care: canned replies in three languages, a consultation answered by
support and one waiting, so the member's help page and the support queue both show something."""

from snshelper.orders.models import Order
from snshelper.support import services
from snshelper.support.models import CannedReply, Consultation

CANNED = [
    (
        "Order started",
        "สวัสดีค่ะ ออเดอร์ของคุณเริ่มดำเนินการแล้ว ปกติจะเสร็จภายใน 24 ชั่วโมง ติดตามสถานะได้ที่หน้าออเดอร์ค่ะ",
        "Hello! Your order has started and usually completes within 24 hours. "
        "You can follow it on the order page.",
        "안녕하세요! 주문이 시작되었으며 보통 24시간 이내에 완료됩니다. "
        "주문 페이지에서 진행 상황을 확인하실 수 있습니다.",
    ),
    (
        "Slip received",
        "ได้รับสลิปแล้วค่ะ ทีมการเงินกำลังตรวจสอบ ยอดเงินจะเข้าภายใน 15 นาทีค่ะ",
        "We received your slip. Our finance team is checking it; the amount reaches your balance "
        "within 15 minutes.",
        "입금 확인증을 받았습니다. 재무팀이 확인 중이며 15분 이내에 잔액에 반영됩니다.",
    ),
]


def load_demo_support(member, support_staff) -> None:
    for title, body_th, body_en, body_ko in CANNED:
        if not CannedReply.objects.filter(title=title).exists():
            services.save_canned_reply(title=title, body_th=body_th, body_en=body_en, body_ko=body_ko)
    if Consultation.objects.filter(member=member).exists():
        return
    order = Order.objects.filter(member=member).order_by("pk").first()
    answered = services.open_consultation(
        member=member,
        topic="order",
        subject="ยอดผู้ติดตามยังไม่ขึ้นค่ะ",
        body="สั่งไปเมื่อเช้า ตอนนี้ยอดยังไม่ขยับเลยค่ะ ช่วยดูให้หน่อยนะคะ",
        order=order,
    )
    services.assign(consultation=answered, to=support_staff, by=support_staff)
    services.reply(consultation=answered, author=support_staff, body=CANNED[0][1])
    services.open_consultation(
        member=member,
        topic="payment",
        subject="โอนเงินแล้วแต่ยอดยังไม่เข้า",
        body="โอนผ่าน KBank เมื่อ 10 นาทีที่แล้วค่ะ แนบสลิปไว้ในหน้าการเติมเงินแล้ว",
    )
