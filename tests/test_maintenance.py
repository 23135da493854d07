"""Maintenance mode (issue 18, point 6): an administrator closes the site from the back office or
the command line with a message per language and an expected end; members and visitors get the
message (503 with Retry-After; {"error": ...} on the APIs), staff keep working and can still sign
in, the worker keeps forwarding orders and syncing providers, and every switch is logged."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from snshelper.api import services as api_services
from snshelper.maintenance import selectors, services
from snshelper.maintenance.models import MaintenanceSwitch
from snshelper.orders import services as orders
from snshelper.providers import tasks as provider_tasks
from snshelper.providers.models import Forwarding
from tests.conftest import sign_in
from tests.providers_fixtures import an_instagram_link

pytestmark = pytest.mark.django_db

THAI = "ปิดปรับปรุงระบบชั่วคราว ขออภัยในความไม่สะดวก"
ENGLISH = "We are upgrading the payment system."


@pytest.fixture
def closed(clock, django_capture_on_commit_callbacks):
    """The site closed for two hours, with a Thai and an English message (no Korean one)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.switch_on(
            message_th=THAI, message_en=ENGLISH, ends_at=clock.now() + timedelta(hours=2)
        )


def test_the_site_is_open_until_maintenance_is_switched_on(client):
    assert not selectors.current().on
    assert client.get("/").status_code == 200


def test_visitors_get_the_message_in_their_language_with_503_and_retry_after(client, closed):
    for path in ("/", "/services/", "/accounts/signup/", "/updates/", "/pages/terms/"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == str(2 * 3600), path
        assert response["Cache-Control"] == "no-store"
    html = client.get("/").content.decode()
    assert THAI in html and 'data-testid="maintenance-page"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # the language switch stays open
    assert ENGLISH in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert THAI in client.get("/").content.decode()  # no Korean message: Thai
    assert client.post("/accounts/signup/", {"email": "new@example.test"}).status_code == 503
    # The privacy policy and the cookie choice (the closed page's banner) stay open.
    assert client.get("/privacy/").status_code == 200
    assert client.post("/privacy/cookies/choice/", {"choice": "accept", "next": "/"}).status_code == 302


def test_signed_in_members_get_the_message_and_the_apis_answer_an_error(client, member, closed):
    sign_in(client, member.email)  # the sign-in page stays open
    for path in ("/dashboard/", "/orders/", "/orders/new/", "/wallet/", "/accounts/profile/"):
        assert client.get(path).status_code == 503, path
    key = api_services.create_key(member=member, name="panel").secret
    for response in (
        client.post("/api/v2", {"key": key, "action": "balance"}),
        client.get("/api/v1/balance", HTTP_AUTHORIZATION=f"Bearer {key}"),
    ):
        assert response.status_code == 503 and response["Retry-After"] == str(2 * 3600)
        error = json.loads(response.content)["error"]
        assert error.startswith("Under maintenance until ") and error.endswith(ENGLISH)


def test_staff_keep_working_and_can_sign_in_during_maintenance(client, make_staff, closed):
    marketing, secret = make_staff("marketing")
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert "ขณะนี้เฉพาะพนักงานเท่านั้นที่เข้าสู่ระบบได้" in login.content.decode()  # the visitors' banner
    assert client.get("/healthz").status_code == 200
    response = sign_in(client, marketing.email, totp_secret=secret)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    for path in ("/staff/", "/staff/orders/", "/dashboard/", "/services/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert 'data-testid="maintenance-banner"' in client.get("/staff/").content.decode()


def test_the_worker_keeps_forwarding_orders_and_syncing_providers(funded, sold, simulator, closed):
    order = orders.place_order(
        member=funded, service=sold, link=an_instagram_link(1), quantity=sold.min_quantity
    )
    provider_tasks.forward_due_orders.call_local()
    assert Forwarding.objects.get(pk=order.pk).external_id
    simulator.advance(24 * 3600)
    provider_tasks.sync_with_providers.call_local()
    order.refresh_from_db()
    assert order.status in ("Completed", "Partial", "Canceled")  # the provider's outcome, applied
    assert selectors.current().on


def test_an_administrator_switches_it_on_and_off_and_every_switch_is_logged(
    client, make_staff, clock, django_capture_on_commit_callbacks
):
    admin, secret = make_staff("administrator")
    sign_in(client, admin.email, totp_secret=secret)
    page = client.get("/staff/maintenance/")
    assert page.status_code == 200 and "ระบบกำลังปรับปรุง" in page.context["form"]["message_th"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/staff/maintenance/",
            {"message_th": THAI, "message_en": ENGLISH, "message_ko": "", "ends_at": "2099-01-01T03:00"},
        )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200  # the administrator keeps working
    visitor = Client()
    assert visitor.get("/").status_code == 503
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/staff/maintenance/off/").status_code == 302
    assert visitor.get("/").status_code == 200
    on, off = MaintenanceSwitch.objects.order_by("id")
    assert (on.is_on, on.by, on.via, on.message_th, on.message_en) == (
        True,
        admin,
        "back_office",
        THAI,
        ENGLISH,
    )
    assert timezone.localtime(on.ends_at).strftime("%Y-%m-%d %H:%M") == "2099-01-01 03:00"  # Bangkok
    assert on.at == off.at == clock.now()
    assert (off.is_on, off.by, off.via) == (False, admin, "back_office")
    log = client.get("/staff/maintenance/").content.decode()
    assert THAI in log and log.count(admin.member_id) >= 2


@pytest.mark.parametrize(
    ("values", "refusal"),
    [
        ({"message_th": "  "}, services.ThaiMessageMissing),
        ({"message_th": THAI, "ends_at": "past"}, services.EndInThePast),
    ],
)
def test_switching_on_without_a_thai_message_or_with_an_end_in_the_past_is_refused(clock, values, refusal):
    if values.get("ends_at") == "past":
        values = {**values, "ends_at": clock.now() - timedelta(minutes=1)}
    with pytest.raises(refusal):
        services.switch_on(**values)
    assert not MaintenanceSwitch.objects.exists()


def test_switching_off_an_open_site_is_refused_and_logs_nothing():
    with pytest.raises(services.AlreadyOff):
        services.switch_off()
    assert not MaintenanceSwitch.objects.exists()


def test_the_command_switches_it_on_and_off_and_logs_who(client, make_staff):
    admin, _secret = make_staff("administrator")
    out = StringIO()
    call_command("maintenance", "on", "--until", "2099-01-01 03:00", "--by", admin.email, stdout=out)
    assert "Maintenance mode is on" in out.getvalue() and "2099-01-01 03:00" in out.getvalue()
    response = client.get("/")
    assert response.status_code == 503 and "ระบบกำลังปรับปรุง" in response.content.decode()  # the default
    call_command("maintenance", "off", stdout=StringIO())
    assert client.get("/").status_code == 200
    on, off = MaintenanceSwitch.objects.order_by("id")
    assert (on.via, on.by, on.ends_at.hour) == ("command", admin, 20)  # 03:00 Bangkok is 20:00 UTC
    assert (off.via, off.by) == ("command", None)
    with pytest.raises(CommandError, match="already off"):
        call_command("maintenance", "off")
    with pytest.raises(CommandError, match="No staff member"):
        call_command("maintenance", "on", "--by", "nobody@example.test")


def test_the_state_is_read_from_the_database_at_most_once_per_cache_period(client, closed, settings):
    selectors.forget()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/").status_code == 503
    reads = [q for q in queries.captured_queries if "maintenance_maintenanceswitch" in q["sql"]]
    assert len(reads) == 1


def test_retry_after_falls_back_to_the_setting_once_the_expected_end_has_passed(
    client, closed, clock, settings
):
    settings.MAINTENANCE_RETRY_AFTER = 120
    clock.advance(timedelta(hours=3))
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "120"
    assert 'data-testid="maintenance-end"' in response.content.decode()
