"""Schemathesis's own command line, every check it has (``--checks all``), over the document the
running app serves: no failure of any kind is ignored or excluded. It runs offline against the
test's live server, with a real key of a funded member and a catalogue of each common type.

The one stated expectation (tests/schemathesis.toml): an order the document allows may be refused
by the chosen service's own rules (422) or the balance (402)."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from snshelper.api import services as keys
from snshelper.catalog.models import Service
from snshelper.orders.services import place_order
from snshelper.wallet import services as wallet

pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def api_key(funded, make_service, settings):
    settings.API_KEY_RATE = "1000000/60"  # the fuzzer is fast; rate limits have their own tests
    settings.API_KEY_FAILURE_RATE = "1000000/60"
    services = [
        make_service(rate=Decimal("1"), refill_days=30, cancel_allowed=True, dripfeed_allowed=True),
        make_service(type=Service.Type.CUSTOM_COMMENTS, min_quantity=1, step=1),
        make_service(type=Service.Type.PACKAGE, rate=Decimal("500"), one_active_order_per_link=False),
    ]
    wallet.credit_top_up(member=funded, amount=Decimal("1000000"), idempotency_key="fuzz")
    place_order(member=funded, service=services[0], link="https://www.instagram.com/p/Cx0/", quantity=1000)
    return keys.create_key(member=funded, name="fuzzer").secret


def test_schemathesis_with_every_check_finds_nothing(live_server, api_key, tmp_path):
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(CONFIG),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {api_key}",
            "--max-examples",
            os.environ.get("SCHEMATHESIS_EXAMPLES", "30"),
            "--workers",
            "1",
            "--seed",
            "16",
            "--generation-database",
            "none",
            "--no-color",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"},
    )

    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-3000:]
