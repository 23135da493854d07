"""The demo's upstream provider: the provider simulator, with three of its services sold by us.

``scripts/demo`` serves the simulator next to the site (``serve --with-simulator``), 20 times
faster than real time, so an order placed on a provider service goes Pending → In progress →
Completed (or Partial) within about three minutes, through the same forwarding and status sync a
real provider gets. The simulator keeps its orders in memory: after a restart it no longer knows
the earlier ones, and the providers page lists them for staff, as it would for a provider that
lost orders.
"""

import os
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from snshelper.catalog.models import Category, Service
from snshelper.orders.services import place_order
from snshelper.providers import services
from snshelper.providers.models import Provider
from snshelper.providers.simulator import ProviderSimulator

NAME = "Demo provider (simulator)"
KEY = "demo-simulator-key"
SEED, SPEED = 2026, 20.0


def port() -> int:
    return int(os.environ.get("SIMULATOR_PORT", "8001"))


def simulator(listen_port: int | None = None) -> ProviderSimulator:
    return ProviderSimulator(
        port=port() if listen_port is None else listen_port,
        key=KEY,
        seed=SEED,
        currency="USD",
        speed=SPEED,
        hang_seconds=30,
    )


@dataclass(frozen=True)
class Sold:
    external_id: str
    category_en: str
    names: tuple[str, str, str]  # th, en, ko


SOLD = [
    Sold(
        "101",
        "Instagram Followers",
        ("ผู้ติดตามทั่วโลก (ส่งผ่านผู้ให้บริการ)", "Worldwide Followers (via provider)", "글로벌 팔로워 (공급업체)"),
    ),
    Sold(
        "201",
        "TikTok Video",
        ("วิว TikTok (ส่งผ่านผู้ให้บริการ)", "TikTok Views (via provider)", "틱톡 조회수 (공급업체)"),
    ),
    Sold(
        "401",
        "YouTube Views & Watch Time",
        (
            "วิว YouTube ไม่ลด (ส่งผ่านผู้ให้บริการ)",
            "YouTube Views, non-drop (via provider)",
            "유튜브 조회수 (공급업체)",
        ),
    ),
]


def load_demo_provider(member) -> Provider:
    """The provider, its catalogue (read from a simulator started for the purpose), three of its
    services in our catalogue, and one order of the demo member waiting to be sent."""
    existing = Provider.objects.filter(name=NAME).first()
    if existing is not None:
        return existing
    with simulator(listen_port=0) as sim, transaction.atomic():
        provider = services.save_provider(
            name=NAME,
            api_url=sim.url,
            api_key=KEY,
            currency="USD",
            exchange_rate=Decimal("35"),
            timeout_seconds=Decimal("10"),
            markup_percent=Decimal("30"),
            markup_fixed=Decimal("0"),
            supports_idempotency=True,
            price_changes=Provider.PriceChanges.REVIEW,
        )
        services.sync_services(provider)
        services.refresh_balance(provider)
        provider.api_url = f"http://127.0.0.1:{port()}/api/v2"
        provider.save(update_fields=["api_url"])
        sold = []
        for item in SOLD:
            category = Category.objects.get(name_en=item.category_en)
            (service,) = services.add_to_catalog(
                provider_services=[provider.services.get(external_id=item.external_id)], category=category
            )
            service.name_th, service.name_en, service.name_ko = item.names
            service.save(update_fields=["name_th", "name_en", "name_ko"])
            sold.append(service)
        order_service: Service = sold[0]
        place_order(
            member=member,
            service=order_service,
            link="https://www.instagram.com/somchai.shop/",
            quantity=order_service.min_quantity * 2,
            idempotency_key="demo-provider-1",
        )
    return provider
