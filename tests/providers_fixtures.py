"""Fixtures for provider tests: a real simulator on 127.0.0.1, a provider pointing at it, and one
of its services sold by us."""

import socket
from decimal import Decimal

import pytest

from snshelper.catalog.models import Category, Platform, Service
from snshelper.catalog.platforms import install_default_platforms
from snshelper.providers import services as provider_services
from snshelper.providers.simulator import ProviderSimulator

SIM_KEY = "sim-key-123"


@pytest.fixture
def simulator():
    sim = ProviderSimulator(port=0, key=SIM_KEY, seed=7)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def make_provider(db, simulator):
    def make(**fields):
        values = {
            "name": "Simulated provider",
            "api_url": simulator.url,
            "api_key": SIM_KEY,
            "currency": "USD",
            "exchange_rate": Decimal("35"),
            "timeout_seconds": Decimal("1"),
            "markup_percent": Decimal("30"),
            "markup_fixed": Decimal("0"),
            "supports_idempotency": True,
        }
        return provider_services.save_provider(**{**values, **fields})

    return make


@pytest.fixture
def provider(make_provider):
    return make_provider()


def _category() -> Category:
    install_default_platforms(Platform)
    category, _ = Category.objects.get_or_create(
        platform=Platform.objects.get(code="instagram"), name_th="ผู้ติดตาม", name_en="Followers"
    )
    return category


@pytest.fixture
def sold(provider):
    """Every Default service the simulator lists, sold by us (the first one returned)."""
    provider_services.sync_services(provider)
    chosen = list(provider.services.filter(type="Default", available=True))
    services = provider_services.add_to_catalog(provider_services=chosen, category=_category())
    return services[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def an_instagram_link(n: int = 1) -> str:
    return f"https://www.instagram.com/p/Post{n:06d}/"


def enough(service: Service, n: int = 1) -> Decimal:
    return service.price(service.min_quantity) * n
