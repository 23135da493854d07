"""Demo pages staff write: the terms of service, an FAQ and a how-to guide, in th / en / ko.

Idempotent: a page whose address exists is left as it is (staff may have edited it)."""

from snshelper.pages import services
from snshelper.pages.models import Page

TERMS = {
    "th": (
        "ข้อตกลงการใช้บริการ",
        """## บริการของเรา

SNS Helper ให้บริการการตลาดบนโซเชียลมีเดีย เช่น ผู้ติดตาม ไลก์ และยอดวิว ตามรายละเอียดใน[หน้าบริการและราคา](/services/)

## การชำระเงิน

1. เติมเงินเข้ากระเป๋าด้วยพร้อมเพย์หรือการโอนผ่านธนาคารก่อนสั่งซื้อ
2. ราคาที่แสดงเป็นบาทต่อ 1,000 หน่วย และหักจากยอดเงินเมื่อสั่งซื้อ

## การคืนเงิน

คำสั่งซื้อที่ถูกยกเลิกหรือทำได้ไม่ครบ เราคืนเงินส่วนที่เหลือเข้ากระเป๋าของคุณทันที และคุณขอถอนยอดเงินคงเหลือเข้าบัญชีธนาคารได้ทุกเมื่อ

## ข้อห้าม

ห้ามสั่งซื้อให้กับบัญชีหรือเนื้อหาที่ผิดกฎหมาย""",
    ),
    "en": (
        "Terms of service",
        """## Our services

SNS Helper sells social-media marketing services such as followers, likes and views, as described on the [services and prices](/services/) page.

## Payment

1. Top up your balance by PromptPay or bank transfer before you order.
2. Prices are in baht per 1,000 and are taken from your balance when you order.

## Refunds

Canceled or partial orders are refunded to your balance at once, and you can ask for your balance back to your bank account at any time.

## Not allowed

Orders for illegal accounts or content.""",
    ),
    "ko": (
        "이용약관",
        """## 서비스

SNS Helper는 팔로워, 좋아요, 조회수 등 소셜 미디어 마케팅 서비스를 판매합니다. 자세한 내용은 [서비스 및 가격](/services/) 페이지를 보세요.

## 결제

1. 주문하기 전에 PromptPay 또는 계좌 이체로 잔액을 충전하세요.
2. 가격은 1,000개당 바트이며 주문할 때 잔액에서 차감됩니다.

## 환불

취소되었거나 일부만 완료된 주문은 즉시 잔액으로 환불되며, 잔액은 언제든지 은행 계좌로 돌려받을 수 있습니다.

## 금지 사항

불법 계정이나 콘텐츠에 대한 주문.""",
    ),
}
FAQ = {
    "th": (
        "คำถามที่พบบ่อย",
        """## คำสั่งซื้อเริ่มเมื่อไร

ส่วนใหญ่เริ่มภายใน 1 ชั่วโมง ดูเวลาเฉลี่ยของแต่ละบริการได้ที่[หน้าบริการและราคา](/services/)

## บัญชีต้องเป็นสาธารณะไหม

ต้องเป็นสาธารณะตลอดจนกว่าคำสั่งซื้อจะเสร็จ

## เติมเงินได้ทางไหนบ้าง

| วิธี | เข้ากระเป๋า |
|:--|:--|
| พร้อมเพย์ | ทันทีเมื่อยืนยัน |
| โอนผ่านธนาคาร | หลังฝ่ายการเงินตรวจสลิป |""",
    ),
    "en": (
        "FAQ",
        """## When does an order start?

Most start within an hour; each service's average time is on the [services and prices](/services/) page.

## Must the account be public?

Yes, until the order is complete.

## How can I top up?

| way | on your balance |
|:--|:--|
| PromptPay | as soon as it is confirmed |
| Bank transfer | once finance has checked the slip |""",
    ),
    "ko": (
        "자주 묻는 질문",
        """## 주문은 언제 시작되나요?

대부분 1시간 이내에 시작됩니다. 서비스별 평균 시간은 [서비스 및 가격](/services/) 페이지에 있습니다.

## 계정이 공개여야 하나요?

네, 주문이 끝날 때까지 공개로 두어야 합니다.

## 어떻게 충전하나요?

| 방법 | 잔액 반영 |
|:--|:--|
| PromptPay | 확인되는 즉시 |
| 계좌 이체 | 재무팀이 영수증을 확인한 뒤 |""",
    ),
}
GUIDE = {
    "th": (
        "วิธีสั่งซื้อ",
        """1. สมัครสมาชิกและยืนยันอีเมล
2. เติมเงินที่หน้า **ยอดเงิน**
3. เลือกบริการที่[หน้าบริการและราคา](/services/) แล้วกด **สั่งซื้อบริการนี้**
4. ใส่ลิงก์และจำนวน แล้วติดตามสถานะที่หน้า **คำสั่งซื้อ**""",
    ),
    "en": (
        "How to order",
        """1. Sign up and confirm your email address.
2. Top up on the **Balance** page.
3. Choose a service on the [services and prices](/services/) page and press **Order this**.
4. Enter the link and the quantity, then follow the order on the **Orders** page.""",
    ),
    "ko": (
        "주문 방법",
        """1. 회원가입 후 이메일 주소를 인증하세요.
2. **잔액** 페이지에서 충전하세요.
3. [서비스 및 가격](/services/) 페이지에서 서비스를 고르고 **주문하기**를 누르세요.
4. 링크와 수량을 입력한 뒤 **주문** 페이지에서 진행 상황을 확인하세요.""",
    ),
}
DEMO_PAGES = [
    ("terms", Page.Kind.TERMS, TERMS),
    ("faq", Page.Kind.FAQ, FAQ),
    ("how-to-order", Page.Kind.GUIDE, GUIDE),
]


def load_demo_pages(*, by) -> int:
    """Write the demo pages that are missing; the number written."""
    written = 0
    for position, (slug, kind, texts) in enumerate(DEMO_PAGES, start=1):
        if Page.objects.filter(slug=slug).exists() or (
            kind == Page.Kind.TERMS and Page.objects.filter(kind=kind).exists()
        ):
            continue
        fields = {
            f"{stem}_{language}": texts[language][i]
            for language in texts
            for i, stem in enumerate(("title", "body"))
        }
        services.create_page(slug=slug, kind=kind, sort_order=position, is_published=True, by=by, **fields)
        written += 1
    return written
