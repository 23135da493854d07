"""Shared fixtures. Factories make members and staff; the clock fixture moves time."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from huey.contrib.djhuey import HUEY

from snshelper import settings as project_settings
from snshelper.accounts import services as account_services
from snshelper.catalog import selectors as catalog_selectors
from snshelper.catalog.models import Platform
from snshelper.catalog.platforms import install_default_platforms
from snshelper.core import clock as clock_module
from snshelper.maintenance import selectors as maintenance_selectors
from snshelper.staff import services as staff_services

pytest_plugins = ["tests.providers_fixtures"]  # a provider simulator and a provider using it

PASSWORD = "a-long-test-password-42"
# Argon2 takes hundreds of milliseconds a hash, by design; tests hash with MD5 (fast, and never
# used outside tests). The project's own hashers stay listed, so a password hashed by them still
# checks; `real_password_hashers` puts Argon2 first again for the tests that are about it.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *project_settings.PASSWORD_HASHERS]


@pytest.fixture(autouse=True)
def _platforms(request):
    """The platforms the catalogue's data migration installs, present in every database test: a
    transactional test's flush removes migration data, and with the suite spread over processes
    (pytest-xdist) any test may run after one."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    install_default_platforms(Platform)


@pytest.fixture(autouse=True)
def _isolated(settings):
    # Templates find static files without a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    cache.clear()  # rate-limit counters start at zero
    maintenance_selectors.forget()  # and no process-local copy of what the cache held
    catalog_selectors.forget_orderable_here()
    HUEY.immediate = True  # jobs run at once, in the test's transaction
    yield
    clock_module.release()


@pytest.fixture
def real_password_hashers(settings):
    """The project's password hashers (Argon2 first), as in production."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


@pytest.fixture
def clock():
    """The one clock, frozen at the current time; move it with .advance() or .travel_to()."""
    clock_module.travel_to(clock_module.now())
    return clock_module


@pytest.fixture
def make_member(db):
    counter = iter(range(1, 10_000))

    def make(email=None, name="Test Member", password=PASSWORD, verified=True, **extra):
        email = email or f"member{next(counter)}@example.test"
        member = account_services.register_member(
            email=email, name=name, password=password, verified=verified
        )
        for key, value in extra.items():
            setattr(member, key, value)
        if extra:
            member.save()
        return member

    return make


@pytest.fixture
def member(make_member):
    return make_member(email="somchai@example.test", name="Somchai Jaidee")


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (allauth checks it against the system time and
    allows no drift). In the last 3 seconds of a 30-second window it waits for the next one, as a
    person would, so the code is still valid when a busy machine's server checks it."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def make_staff(make_member):
    """A staff member of a role, with TOTP set up and the security pledge signed (unless told
    otherwise); returns (member, totp secret)."""

    def make(role, email=None, with_totp=True, pledged=True):
        staff = make_member(email=email or f"{role}@example.test", name=f"Staff {role}")
        staff_services.appoint(member=staff, role=role)
        if pledged:
            staff_services.sign_pledge(staff=staff)
        secret = ""
        if with_totp:
            secret = generate_totp_secret()
            TOTP.activate(staff, secret)
        return staff, secret

    return make


def sign_in(client, email, password=PASSWORD, totp_secret=None):
    """Sign in through the real pages (allauth's login, then its MFA step if any)."""
    response = client.post("/accounts/login/", {"login": email, "password": password})
    if totp_secret:
        assert response.status_code == 302 and "/2fa/authenticate" in response["Location"]
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(totp_secret)})
    return response


@pytest.fixture
def make_service(db):
    """A service of our catalogue on a seeded platform (Instagram unless told otherwise)."""
    from decimal import Decimal

    from snshelper.catalog.models import Category, Platform, Service
    from snshelper.catalog.platforms import install_default_platforms

    install_default_platforms(Platform)  # a transactional test's flush removes migration data

    def make(platform="instagram", **fields):
        category, _ = Category.objects.get_or_create(
            platform=Platform.objects.get(code=platform), name_th="ผู้ติดตาม", name_en="Followers"
        )
        defaults = {
            "name_th": "ผู้ติดตามคนไทย",
            "name_en": "Thai followers",
            "rate": Decimal("90"),
            "min_quantity": 100,
            "max_quantity": 10_000,
            "step": 10,
        }
        return Service.objects.create(category=category, **{**defaults, **fields})

    return make


@pytest.fixture
def funded(member):
    """The member with ฿1,000 on their balance."""
    from decimal import Decimal

    from snshelper.wallet import services as wallet

    wallet.credit_top_up(member=member, amount=Decimal("1000"), idempotency_key="fund")
    return member


@pytest.fixture
def recorder(settings):
    """The local stand-in for LINE's push endpoint, with the site's LINE settings pointing at it."""
    from snshelper.notifications.line_recorder import LineRecorder

    running = LineRecorder().start()
    settings.LINE_API_BASE_URL = running.base_url
    settings.LINE_CHANNEL_ACCESS_TOKEN = "test-channel-token"
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads land in a directory of their own for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
