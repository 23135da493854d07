"""Demo orders: the demo member's wallet topped up and orders in every status on demo services.

Everything goes through the real services (``credit_top_up``, ``place_order``, ``transition``), so
the ledger, the refunds and the transition history are what production would hold.

Idempotent: if the member already has an order keyed ``demo-…`` nothing is done (the whole load
is one transaction, so it is either all there or not at all).
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import transaction

from snshelper.catalog import pricing
from snshelper.catalog.models import Service
from snshelper.demo.catalogue import demo_service, load_demo_catalog
from snshelper.orders.models import Actor, Order, Status
from snshelper.orders.services import place_order, transition
from snshelper.wallet import memos
from snshelper.wallet import services as wallet

KEY_PREFIX = "demo-"
LEFT_ON_BALANCE = Decimal("2300")  # plus rounding and the refunds: ฿2,508 at the demo rates


@dataclass(frozen=True)
class Step:
    to: str
    start_count: int | None = None
    remains: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class DemoOrder:
    service: tuple[str, str, str]  # platform code, category name_en, service name_en
    link: str
    quantity: int | None = None
    runs: int | None = None
    interval: int | None = None
    comments: tuple[str, ...] = ()
    usernames: tuple[str, ...] = ()
    answer_number: int | None = None
    steps: tuple[Step, ...] = ()  # after Pending, in order


STARTED = "เริ่มส่งงานแล้ว"
DONE = "ส่งงานครบแล้ว"


def delivered(start_count: int) -> tuple[Step, ...]:
    """Started by staff, then completed."""
    return (
        Step(Status.IN_PROGRESS, start_count=start_count, reason=STARTED),
        Step(Status.COMPLETED, reason=DONE),
    )


DEMO_ORDERS: list[DemoOrder] = [
    # Completed
    DemoOrder(
        ("instagram", "Instagram Followers", "Thai Followers"),
        "https://www.instagram.com/somchai.shop/",
        1000,
        steps=delivered(start_count=2350),
    ),
    DemoOrder(
        ("tiktok", "TikTok Video", "Video Views"),
        "https://www.tiktok.com/@somchai.shop/video/7301234567890123456",
        10_000,
        steps=delivered(start_count=1840),
    ),
    DemoOrder(
        ("tiktok", "TikTok Packages", "TikTok Starter Package"),
        "https://www.tiktok.com/@somchai.shop/video/7302234567890123456",
        steps=delivered(start_count=420),
    ),
    DemoOrder(
        ("facebook", "Facebook Video", "Video & Reels Views"),
        "https://www.facebook.com/somchaishop/videos/1029384756",
        5_000,
        steps=delivered(start_count=730),
    ),
    DemoOrder(
        ("line", "LINE VOOM", "LINE VOOM Post Likes"),
        "https://timeline.line.me/post/_dSomchaiShop/1161",
        200,
        steps=delivered(start_count=35),
    ),
    # In progress
    DemoOrder(
        ("youtube", "YouTube Views & Watch Time", "Video Views"),
        "https://www.youtube.com/watch?v=Sm4cHaI0001",
        2_000,
        steps=(Step(Status.IN_PROGRESS, start_count=312, reason=STARTED),),
    ),
    DemoOrder(
        ("instagram", "Instagram Likes", "Thai Likes"),
        "https://www.instagram.com/p/Cx1demo/",
        200,
        runs=5,
        interval=60,
        steps=(Step(Status.IN_PROGRESS, start_count=58, reason="เริ่มรอบแรกแล้ว"),),
    ),
    # Processing
    DemoOrder(
        ("facebook", "Facebook Posts", "Thai Post Likes"),
        "https://www.facebook.com/somchaishop/posts/pfbid0Demo1",
        500,
        steps=(Step(Status.PROCESSING, reason="กำลังเตรียมส่งงาน"),),
    ),
    DemoOrder(
        ("x", "X Posts", "Post Views"),
        "https://x.com/somchai_shop/status/1790000000000000001",
        5_000,
        steps=(Step(Status.PROCESSING, reason="กำลังเตรียมส่งงาน"),),
    ),
    # Partial: 400 of 1,000 not delivered, their share refunded
    DemoOrder(
        ("x", "X Followers", "Followers"),
        "https://x.com/somchai_shop",
        1_000,
        steps=(
            Step(Status.IN_PROGRESS, start_count=860, reason=STARTED),
            Step(Status.PARTIAL, remains=400, reason="ส่งได้ 600 จาก 1,000 คืนเงินส่วนที่เหลือเข้ากระเป๋าแล้ว"),
        ),
    ),
    # Canceled: refunded in full
    DemoOrder(
        ("tiktok", "TikTok Followers", "Thai Followers"),
        "@somchai.shop",
        500,
        steps=(
            Step(
                Status.CANCELED,
                reason="บัญชีเป็นส่วนตัว กรุณาเปิดเป็นสาธารณะแล้วสั่งใหม่ คืนเงินเต็มจำนวนเข้ากระเป๋าแล้ว",
            ),
        ),
    ),
    # Pending: for marketing staff to fulfil by hand
    DemoOrder(
        ("instagram", "Instagram Comments & Mentions", "Custom Comments in Thai"),
        "https://www.instagram.com/p/Cx2demo/",
        comments=(
            "สวยมากค่ะ อยากได้สีนี้",
            "ส่งต่างจังหวัดได้ไหมครับ",
            "ราคาเท่าไหร่คะ ทักไปแล้วนะคะ",
            "ของดีบอกต่อ 👍",
            "ชอบร้านนี้มาก ส่งไวทุกครั้ง",
        ),
    ),
    DemoOrder(
        ("instagram", "Instagram Comments & Mentions", "Mentions"),
        "https://www.instagram.com/p/Cx3demo/",
        100,
        usernames=("somchai.shop", "somchai.cafe"),
    ),
    DemoOrder(
        ("facebook", "Facebook Posts", "Group Poll Votes"),
        "https://www.facebook.com/groups/somchaishop/posts/2002/",
        200,
        answer_number=2,
    ),
    DemoOrder(
        ("line", "LINE Official Account", "LINE Official Account Friends"),
        "https://lin.ee/SmChShop",
        500,
    ),
    DemoOrder(
        ("youtube", "YouTube Subscribers", "Channel Subscribers"),
        "https://www.youtube.com/@somchaishop",
        100,
    ),
]


def _price(service: Service, spec: DemoOrder) -> Decimal:
    """What ``place_order`` will charge for ``spec`` (to top up enough before placing)."""
    quantity = pricing.units(
        service=service, quantity=spec.quantity, comments=spec.comments, usernames=spec.usernames
    )
    return pricing.charge(service=service, quantity=quantity, runs=spec.runs)


def _round_up(amount: Decimal, unit: Decimal = Decimal("100")) -> Decimal:
    return (amount / unit).to_integral_value(rounding=ROUND_CEILING) * unit


def has_demo_orders(member) -> bool:
    return Order.objects.filter(member=member, idempotency_key__startswith=KEY_PREFIX).exists()


@transaction.atomic
def load_demo_orders(member, staff) -> None:
    """Top up the member and place demo orders in every status, moved along by ``staff``."""
    if has_demo_orders(member):
        return
    load_demo_catalog()
    services = []
    for spec in DEMO_ORDERS:
        service = demo_service(*spec.service)
        if service is None:
            raise LookupError(f"Demo service missing: {spec.service}")
        services.append(service)
    # Enough for every order at today's rates (staff may have changed them), with about ฿2,300
    # left over before refunds.
    planned = list(zip(services, DEMO_ORDERS, strict=True))
    total = sum((_price(service, spec) for service, spec in planned), Decimal(0))
    wallet.credit_top_up(
        member=member,
        amount=_round_up(total) + LEFT_ON_BALANCE,
        idempotency_key="demo-topup-1",
        memo=memos.build(memos.DEMO_TOP_UP),
    )
    for number, (service, spec) in enumerate(planned, start=1):
        order = place_order(
            member=member,
            service=service,
            link=spec.link,
            quantity=spec.quantity,
            runs=spec.runs,
            interval=spec.interval,
            comments=spec.comments,
            usernames=spec.usernames,
            answer_number=spec.answer_number,
            idempotency_key=f"{KEY_PREFIX}order-{number}",
        )
        for step in spec.steps:
            order = transition(
                order=order,
                to=step.to,
                actor=Actor.STAFF,
                by=staff,
                start_count=step.start_count,
                remains=step.remains,
                reason=step.reason,
            )
