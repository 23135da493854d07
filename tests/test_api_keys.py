"""API keys: shown once, stored hashed, rotated, revoked, IP-restricted, rate-limited; the keys
page and the create_api_key command."""

import hashlib
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from ipaddress import ip_network

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from snshelper.api import services
from snshelper.api.models import ApiKey

pytestmark = pytest.mark.django_db

INVALID = {"error": "Invalid API key"}


def call(client, secret, action="balance", ip="198.51.100.20", **fields):
    """An API v2 call from ``ip``, as a reseller's server makes it."""
    return client.post("/api/v2", {"key": secret, "action": action, **fields}, REMOTE_ADDR=ip)


def works(client, secret, ip="198.51.100.20") -> bool:
    response = call(client, secret, ip=ip)
    assert response.status_code == 200
    return "balance" in response.json()


def assert_nowhere_in_the_database(secret: str) -> None:
    with connection.cursor() as cursor:  # no row of any table (sessions, messages too) holds it
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            assert secret not in repr(cursor.fetchall()), table


# --- the key on API v2 -----------------------------------------------------------------------


def test_a_wrong_key_is_an_invalid_api_key(client, member):
    services.create_key(member=member, name="panel")

    assert call(client, "f" * 40).json() == INVALID
    assert call(client, "").json() == INVALID


def test_a_revoked_key_is_an_invalid_api_key(client, member):
    made = services.create_key(member=member, name="panel")
    assert works(client, made.secret)

    services.revoke_key(member=member, key_id=made.key.pk)

    assert call(client, made.secret).json() == INVALID


def test_a_key_of_a_member_who_left_is_an_invalid_api_key(client, member):
    made = services.create_key(member=member, name="panel")
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert call(client, made.secret).json() == INVALID


def test_a_key_works_only_from_its_allowed_addresses(client, member):
    made = services.create_key(
        member=member, name="server", networks=[ip_network("203.0.113.0/24"), ip_network("2001:db8::1")]
    )

    assert works(client, made.secret, ip="203.0.113.7")
    assert works(client, made.secret, ip="::ffff:203.0.113.8")  # IPv4 seen through an IPv6 socket
    assert works(client, made.secret, ip="2001:db8::1")
    assert call(client, made.secret, ip="198.51.100.7").json() == INVALID
    assert call(client, made.secret, ip="2001:db8::2").json() == INVALID


def test_guessing_keys_is_stopped_with_429_and_retry_after(client, member, settings, clock):
    settings.API_KEY_FAILURE_RATE = "5/600"
    made = services.create_key(member=member, name="panel")

    for attempt in range(5):
        assert call(client, f"guess-{attempt}", ip="192.0.2.66").json() == INVALID
    refused = call(client, made.secret, ip="192.0.2.66")  # even the right key, from that address

    assert refused.status_code == 429
    assert refused.json() == {"error": "Too many requests"}
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert works(client, made.secret, ip="192.0.2.67")  # other addresses are not locked out
    clock.advance(timedelta(seconds=int(refused["Retry-After"])))
    assert works(client, made.secret, ip="192.0.2.66")


def test_each_key_has_its_own_rate_limit(client, member, settings, clock):
    settings.API_KEY_RATE = "3/60"
    busy = services.create_key(member=member, name="busy").secret
    calm = services.create_key(member=member, name="calm").secret

    answers = [call(client, busy) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json() == {"error": "Too many requests"} and int(answers[-1]["Retry-After"]) <= 60
    assert works(client, calm)
    clock.advance(timedelta(seconds=60))
    assert works(client, busy)


def test_the_secret_is_stored_only_as_a_hash(member):
    made = services.create_key(member=member, name="panel")

    key = ApiKey.objects.get()
    assert key.secret_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret.startswith(key.prefix) and len(key.prefix) < 10
    assert_nowhere_in_the_database(made.secret)


def test_rotating_a_key_stops_the_old_secret_at_once(client, member):
    made = services.create_key(member=member, name="panel", networks=[ip_network("198.51.100.20")])

    rotated = services.rotate_key(member=member, key_id=made.key.pk)

    assert call(client, made.secret).json() == INVALID
    assert works(client, rotated.secret)
    key = ApiKey.objects.get()
    assert (key.name, key.allowed_ips, key.prefix) == ("panel", "198.51.100.20/32", rotated.secret[:6])


def test_the_last_use_is_recorded_with_time_and_address(client, member, clock):
    clock.travel_to(datetime(2026, 11, 25, 3, 5, tzinfo=UTC))
    made = services.create_key(member=member, name="panel")

    works(client, made.secret, ip="203.0.113.9")

    key = ApiKey.objects.get()
    assert (key.last_used_at, key.last_used_ip) == (clock.now(), "203.0.113.9")
    client.force_login(member)
    page = client.get("/api/keys/").content.decode()
    assert "25 " in page and "10:05" in page and "203.0.113.9" in page  # Bangkok time, UTC+7


# --- the create_api_key command --------------------------------------------------------------


def test_the_command_prints_a_secret_that_works(client, member):
    out = io.StringIO()

    call_command("create_api_key", member.email, "--name", "reseller", "--ip", "203.0.113.5", stdout=out)

    secret = out.getvalue().strip()
    assert works(client, secret, ip="203.0.113.5")
    assert call(client, secret, ip="203.0.113.6").json() == INVALID
    assert ApiKey.objects.get().name == "reseller"


def test_the_command_refuses_an_unknown_email_or_a_bad_address(member):
    with pytest.raises(CommandError, match="No member with the email address nobody@example.test"):
        call_command("create_api_key", "nobody@example.test")
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("create_api_key", member.email, "--ip", "my-server")
    assert not ApiKey.objects.exists()


# --- the keys page ---------------------------------------------------------------------------


def test_the_keys_page_is_for_signed_in_members(client):
    response = client.get("/api/keys/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_creating_a_key_shows_its_secret_once(client, member):
    client.force_login(member)

    response = client.post("/api/keys/", {"name": "my panel", "allowed_ips": "203.0.113.0/24, 198.51.100.20"})

    assert response.status_code == 200
    secret = response.context["secret"]
    page = response.content.decode()
    assert f'value="{secret}"' in page and "http://testserver/api/v2" in page
    assert "no-store" in response["Cache-Control"]
    assert works(client, secret, ip="203.0.113.40")
    assert_nowhere_in_the_database(secret)
    listing = client.get("/api/keys/").content.decode()
    assert secret not in listing and f"{secret[:6]}…" in listing and "my panel" in listing
    assert "203.0.113.0/24" in listing and "198.51.100.20/32" in listing
    assert 'href="/api/docs/"' in listing


def test_a_key_with_a_bad_address_is_not_created(client, member):
    client.force_login(member)

    response = client.post("/api/keys/", {"name": "panel", "allowed_ips": "203.0.113.500"})

    assert response.status_code == 200 and "secret" not in response.context
    assert "203.0.113.500" in response.content.decode()  # the error names what was wrong
    assert not ApiKey.objects.exists()


def test_the_member_edits_a_keys_name_and_addresses(client, member):
    made = services.create_key(member=member, name="old name")
    client.force_login(member)
    assert 'value="old name"' in client.get(f"/api/keys/{made.key.pk}/").content.decode()

    response = client.post(f"/api/keys/{made.key.pk}/", {"name": "new name", "allowed_ips": "203.0.113.1"})

    assert response.status_code == 302
    key = ApiKey.objects.get()
    assert (key.name, key.allowed_ips, key.secret_hash) == (
        "new name",
        "203.0.113.1/32",
        made.key.secret_hash,
    )


def test_rotating_from_the_page_asks_first_then_shows_the_new_secret_once(client, member):
    made = services.create_key(member=member, name="panel")
    client.force_login(member)

    confirm = client.get(f"/api/keys/{made.key.pk}/rotate/")
    assert confirm.status_code == 200 and works(client, made.secret)
    response = client.post(f"/api/keys/{made.key.pk}/rotate/")

    new_secret = response.context["secret"]
    assert new_secret != made.secret and f'value="{new_secret}"' in response.content.decode()
    assert not works(client, made.secret) and works(client, new_secret)


def test_revoking_from_the_page_asks_first_then_refuses_the_key(client, member):
    made = services.create_key(member=member, name="panel")
    client.force_login(member)

    confirm = client.get(f"/api/keys/{made.key.pk}/revoke/")
    assert confirm.status_code == 200 and ApiKey.objects.get().is_live
    response = client.post(f"/api/keys/{made.key.pk}/revoke/")

    assert response.status_code == 302 and response["Location"] == "/api/keys/"
    assert not ApiKey.objects.get().is_live
    assert call(client, made.secret).json() == INVALID
    assert client.get(f"/api/keys/{made.key.pk}/rotate/").status_code == 404  # a revoked key stays revoked


def test_another_members_key_cannot_be_seen_or_touched(client, member, make_member):
    theirs = services.create_key(
        member=make_member(), name="their panel", networks=[ip_network("203.0.113.1")]
    )
    client.force_login(member)

    assert "their panel" not in client.get("/api/keys/").content.decode()
    for path in ("", "rotate/", "revoke/"):
        assert client.get(f"/api/keys/{theirs.key.pk}/{path}").status_code == 404
        assert client.post(f"/api/keys/{theirs.key.pk}/{path}", {"name": "mine now"}).status_code == 404
    key = ApiKey.objects.get()
    assert (key.name, key.secret_hash, key.revoked_at) == ("their panel", theirs.key.secret_hash, None)


def test_members_find_the_keys_page_in_the_menu(client, member):
    assert 'href="/api/keys/"' not in client.get("/").content.decode()

    client.force_login(member)

    assert 'href="/api/keys/"' in client.get("/").content.decode()


def test_an_api_order_is_paid_from_the_keys_owner_balance(client, funded, make_service):
    service = make_service(rate=Decimal("90"))
    made = services.create_key(member=funded, name="panel")

    call(
        client, made.secret, "add", service=service.pk, link="https://www.instagram.com/p/K1/", quantity=1000
    )

    assert call(client, made.secret).json() == {"balance": "910.00", "currency": "THB"}
