"""Pages on the wire (issue 14): compressed pages, brotli static files, the Sarabun subset that
still has every Thai character we write, paginated staff lists whose links keep the filters, query
counts that do not grow with the lists, and sessions read from the cache."""

import gzip
import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import brotli
import polib
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fontTools.ttLib import TTFont

from snshelper.orders import services as order_services
from snshelper.orders.models import Status
from snshelper.orders.services import place_order, transition
from snshelper.providers import services as provider_services
from snshelper.providers.models import Forwarding
from snshelper.wallet import services as wallet
from tests.conftest import sign_in
from tests.providers_fixtures import _category

ROOT = Path(__file__).resolve().parent.parent
SARABUN = ROOT / "snshelper" / "web" / "static" / "vendor" / "sarabun"
SITE_CSS = ROOT / "snshelper" / "web" / "static" / "web" / "site.css"
CHROME = "gzip, deflate, br, zstd"


def _decoded(response) -> str:
    body = response.content
    coding = response.get("Content-Encoding", "")
    return {"br": brotli.decompress, "gzip": gzip.decompress}.get(coding, lambda b: b)(body).decode()


# --- Compression ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "coding"),
    [(CHROME, "br"), ("gzip, deflate", "gzip"), ("br;q=0, gzip", "gzip"), ("", None), ("identity", None)],
)
def test_the_thai_home_page_of_a_first_visit_is_compressed_as_the_browser_accepts(accept, coding):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="th", HTTP_ACCEPT_ENCODING=accept)
    assert response.status_code == 200
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
    page = _decoded(response)
    assert '<html lang="th">' in page and "สมัคร" in page  # Thai, whole
    assert int(response["Content-Length"]) == len(response.content)
    if coding:
        assert len(response.content) < len(page.encode()) / 2


@pytest.mark.django_db
def test_a_compressed_page_keeps_its_length_blurred():
    """Against BREACH: the same page compressed twice differs in length (random padding)."""
    sizes = {
        len(Client().get("/", HTTP_ACCEPT_LANGUAGE="th", HTTP_ACCEPT_ENCODING=CHROME).content)
        for _ in range(12)
    }
    assert len(sizes) > 1


@pytest.mark.django_db
def test_a_member_order_list_is_compressed_too(client, funded):
    sign_in(client, funded.email)
    response = client.get("/orders/", HTTP_ACCEPT_ENCODING=CHROME)
    assert response.get("Content-Encoding") == "br" and "</html>" in _decoded(response)


def test_static_files_are_collected_with_brotli_and_served_so(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    css = next((tmp_path / "static" / "web").glob("site.*.css"))
    assert css.with_name(css.name + ".br").exists() and css.with_name(css.name + ".gz").exists()
    path = f"/static/web/{css.name}"
    response = Client().get(path, HTTP_ACCEPT_ENCODING=CHROME)
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    body = b"".join(response.streaming_content)
    assert brotli.decompress(body) == css.read_bytes()
    assert "immutable" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_home_page_loads_no_htmx_unless_a_banner_uses_it():
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "htmx.min.js" not in page and "site.css" in page
    assert "htmx.min.js" in Client().get("/services/", HTTP_ACCEPT_LANGUAGE="th").content.decode()


# --- The font subset ------------------------------------------------------------------------------


def _thai_written_by_us() -> set[str]:
    """Every Thai character of the th catalogue and of the templates."""
    chars = set()
    for entry in polib.pofile(str(ROOT / "snshelper/locale/th/LC_MESSAGES/django.po")):
        chars.update(entry.msgstr, *entry.msgstr_plural.values())
    for template in (ROOT / "snshelper").rglob("templates/**/*"):
        if template.is_file():
            chars.update(template.read_text(encoding="utf-8"))
    return {c for c in chars if 0x0E00 <= ord(c) <= 0x0E7F}


def _ranges(css: str, name: str) -> set[int]:
    """The code points of the unicode-range of the @font-face whose file is ``name``."""
    value = re.search(re.escape(name) + r'"\) format\("woff2"\);\s*unicode-range: ([^;]+);', css)[1]
    codes = set()
    for part in value.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        codes.update(range(int(first, 16), int(last or first, 16) + 1))
    return codes


@pytest.mark.parametrize("weight", [400, 600])
def test_the_thai_subset_has_every_thai_character_we_write(weight):
    """No glyph of a Thai page falls back to another font: each is in the file and in its range."""
    used = _thai_written_by_us()
    assert len(used) > 50  # the catalogue was read
    name = f"sarabun-thai-{weight}.woff2"
    served = set(TTFont(str(SARABUN / name)).getBestCmap())
    missing = {c for c in used if ord(c) not in served}
    assert not missing, f"run scripts/subset_fonts.py: {''.join(sorted(missing))}"
    assert {ord(c) for c in used} <= _ranges(SITE_CSS.read_text(), name)
    # Every Thai letter, vowel and tone mark, for the Thai that staff and members type.
    assert set(range(0x0E01, 0x0E3B)) | set(range(0x0E3F, 0x0E4F)) <= served


@pytest.mark.parametrize("weight", [400, 600])
def test_the_latin_subset_is_smaller_and_has_ascii_and_the_latin_we_write(weight):
    name = f"sarabun-latin-{weight}.woff2"
    served = set(TTFont(str(SARABUN / name)).getBestCmap())
    assert set(range(0x20, 0x7F)) <= served
    for char in "–—‘’“”…×·":  # in our catalogues and templates
        assert ord(char) in served and ord(char) in _ranges(SITE_CSS.read_text(), name)
    assert (SARABUN / name).stat().st_size < (
        ROOT / f"assets/fonts/sarabun/sarabun-latin-{weight}-normal.woff2"
    ).stat().st_size * 0.7


def test_the_subset_script_finds_nothing_missing():
    spec = importlib.util.spec_from_file_location("subset_fonts", ROOT / "scripts" / "subset_fonts.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.check() == 0


# --- Paginated lists, their queries, sessions -----------------------------------------------------


@pytest.fixture
def marketing_client(client, make_staff):
    staff, secret = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=secret)
    return client


def _orders(member, service, count: int, start: int = 0):
    return [
        place_order(
            member=member, service=service, link=f"https://www.instagram.com/p/Pg{n:04d}/", quantity=100
        )
        for n in range(start, start + count)
    ]


def _queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_the_staff_queue_costs_the_same_queries_for_a_short_or_a_long_list(
    marketing_client, make_member, make_service
):
    """Orders, cancel requests and refill requests: more of each, and more than a page, cost no
    more queries."""
    member = make_member()
    wallet.credit_top_up(member=member, amount=Decimal("100000"), idempotency_key="fund:queue")
    service = make_service(one_active_order_per_link=False, cancel_allowed=True, refill_days=30)

    def add(orders: int, requests: int, start: int):
        placed = _orders(member, service, orders + 2 * requests, start)
        for order in placed[orders : orders + requests]:
            order_services.request_cancel(member=member, order=order)
        for order in placed[orders + requests :]:
            transition(order=order, to=Status.COMPLETED)
            order_services.request_refill(member=member, order=order)

    add(2, 1, 0)
    marketing_client.get("/staff/orders/")  # caches warm (roles, maintenance state)
    short = _queries(marketing_client, "/staff/orders/")
    add(70, 25, 100)
    long = _queries(marketing_client, "/staff/orders/")
    assert len(long) == len(short), "\n".join(long)
    assert not [q for q in long if "django_session" in q]


@pytest.mark.django_db
def test_the_member_order_list_costs_the_same_queries_for_few_or_many_orders(
    client, make_member, make_service
):
    member = make_member()
    wallet.credit_top_up(member=member, amount=Decimal("100000"), idempotency_key="fund:list")
    service = make_service(one_active_order_per_link=False)
    _orders(member, service, 2)
    sign_in(client, member.email)
    client.get("/orders/")
    few = _queries(client, "/orders/")
    _orders(member, service, 60, 100)
    many = _queries(client, "/orders/")
    second_page = _queries(client, "/orders/?status=Pending&page=2")
    assert len(few) == len(many) == len(second_page), "\n".join(many)


@pytest.mark.django_db
def test_the_staff_queue_pages_keep_the_filters(marketing_client, make_member, make_service):
    member = make_member()
    wallet.credit_top_up(member=member, amount=Decimal("100000"), idempotency_key="fund:pages")
    service = make_service(one_active_order_per_link=False)
    placed = _orders(member, service, 56)
    transition(order=placed[0], to=Status.IN_PROGRESS, start_count=5)
    first = marketing_client.get("/staff/orders/?status=Pending&q=instagram.com").content.decode()
    assert first.count('data-testid="queue-') == 50
    assert f'data-testid="queue-{placed[0].pk}"' not in first  # in progress: filtered out
    following = re.search(r'<a href="([^"]+)" rel="next">', first)[1].replace("&amp;", "&")
    assert "status=Pending" in following and "q=instagram.com" in following and "page=2" in following
    second = marketing_client.get("/staff/orders/" + following).content.decode()
    assert second.count('data-testid="queue-') == 5
    assert f'data-testid="queue-{placed[-1].pk}"' in second
    back = re.search(r'<a href="([^"]+)" rel="prev">', second)[1].replace("&amp;", "&")
    assert "status=Pending" in back and "page=1" in back
    found = marketing_client.get("/staff/orders/?q=p/Pg0003/").content.decode()
    assert found.count('data-testid="queue-') == 1 and f'data-testid="queue-{placed[3].pk}"' in found


@pytest.mark.django_db
def test_the_queue_ignores_a_status_that_is_not_an_active_one(marketing_client, funded, make_service):
    order = place_order(member=funded, service=make_service(), link="@status.me", quantity=100)
    page = marketing_client.get("/staff/orders/?status=Completed&q=" + "x" * 600).content.decode()
    assert f'data-testid="queue-{order.pk}"' in page


@pytest.mark.django_db
def test_a_signed_in_page_reads_its_session_from_the_cache_and_from_the_database_when_lost(client, funded):
    sign_in(client, funded.email)
    client.get("/orders/")
    sessions = [q for q in _queries(client, "/orders/") if "django_session" in q]
    assert sessions == []
    cache.clear()  # Redis restarted, say: the database still has the session
    fallback = _queries(client, "/orders/")  # still signed in (a 302 to sign-in would fail here)
    assert len([q for q in fallback if "django_session" in q]) == 1
    assert [q for q in _queries(client, "/orders/") if "django_session" in q] == []  # cached again


@pytest.mark.django_db
def test_the_providers_page_lists_every_order_that_needs_a_person_page_by_page(
    client, make_staff, make_member, provider
):
    """It showed the first 200 and hid the rest; now 50 a page, the catalogue changes' page kept."""
    provider_services.sync_services(provider)
    (service,) = provider_services.add_to_catalog(
        provider_services=[provider.services.get(external_id="101")], category=_category()
    )
    service.one_active_order_per_link = False
    service.save()
    member = make_member()
    wallet.credit_top_up(member=member, amount=Decimal("100000"), idempotency_key="fund:providers")
    placed = _orders(member, service, 53)
    Forwarding.objects.filter(order__in=placed).update(state=Forwarding.State.REFUSED)
    staff, secret = make_staff("marketing")
    sign_in(client, staff.email, totp_secret=secret)
    first = client.get("/staff/providers/?changes_page=1").content.decode()
    assert first.count('data-testid="attention-') == 50
    following = re.search(r'<a href="([^"]+)" rel="next">', first)[1].replace("&amp;", "&")
    assert "attention_page=2" in following and "changes_page=1" in following
    second = client.get("/staff/providers/" + following).content.decode()
    assert second.count('data-testid="attention-') == 3
    assert f'data-testid="attention-{placed[-1].pk}"' in second
