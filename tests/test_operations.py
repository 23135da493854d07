"""Operating SNS Helper: settings from the environment, production checks, health, the demo."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from huey import RedisHuey

from snshelper.accounts.models import Member
from snshelper.core import health
from snshelper.demo import load as demo
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[1]


def _clean_env() -> dict:
    """This machine's environment without the switches the tests set themselves."""
    switches = (
        *("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"),
        "PYTEST_XDIST_WORKER",  # a fresh deployment, not one of the suite's parallel workers
    )
    return {k: v for k, v in os.environ.items() if k not in switches}


def _django(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    """Run code with the project's settings in a fresh process with the given environment."""
    environment = _clean_env()
    environment.update(SNSHELPER_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="snshelper.settings")
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(tmp_path, **env) -> dict:
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
        "'huey': s.HUEY['huey_class'], 'mail': s.EMAIL_BACKEND, 'tz': s.TIME_ZONE,"
        "'lang': s.LANGUAGE_CODE, 'hasher': s.PASSWORD_HASHERS[0]}))"
    )
    result = _django(code, tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_is_sqlite_file_cache_and_sqlite_huey(tmp_path):
    s = _settings(tmp_path)
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["cache"].endswith("FileBasedCache") and s["huey"] == "huey.SqliteHuey"
    assert s["mail"].endswith("console.EmailBackend")
    assert (s["lang"], s["tz"]) == ("th", "Asia/Bangkok")
    assert s["hasher"].endswith("Argon2PasswordHasher")
    assert (tmp_path / "secret.key").exists() and (tmp_path / "field-encryption.key").exists()


def test_database_redis_and_mail_urls_switch_the_backends(tmp_path):
    s = _settings(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://mail.example.test:587",
    )
    assert s["db"] == "django.db.backends.postgresql"
    assert s["cache"].endswith("RedisCache") and s["huey"] == "huey.RedisHuey"
    assert s["mail"].endswith("smtp.EmailBackend")


def _production_env(tmp_path) -> dict:
    return dict(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=Fernet.generate_key().decode() * 2,
        DJANGO_ALLOWED_HOSTS="snshelper.example.test",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        SNSHELPER_VAR_DIR=str(tmp_path),
        CLAMD_SOCKET="/run/clamav/clamd.ctl",
        PRIVACY_OFFICER_NAME="Khun Somsri Privacy",
        PRIVACY_OFFICER_EMAIL="dpo@snshelper.example.test",
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    environment = {**_clean_env(), **_production_env(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # One note, not a warning: where rate limits are counted and why that is enough (core.I001).
    said = result.stdout + result.stderr
    assert "System check identified 1 issue (0 silenced)" in said, said
    assert "core.I001" in said and "WARNING" not in said


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    env = _production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEYS"]
    result = _django("pass", tmp_path, **env)
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        (("CLAMD_SOCKET",), "CLAMAV_DISABLED=1"),
        (("PRIVACY_OFFICER_NAME",), "PRIVACY_OFFICER_NAME"),
        (("PRIVACY_OFFICER_EMAIL",), "PRIVACY_OFFICER_EMAIL"),
    ],
)
def test_production_refuses_to_start_without_a_virus_scanner_or_the_privacy_officer(tmp_path, missing, named):
    env = _production_env(tmp_path)
    for name in missing:
        del env[name]
    result = _django("pass", tmp_path, **env)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_production_scanning_elsewhere_is_an_explicit_logged_choice(tmp_path):
    env = _production_env(tmp_path)
    del env["CLAMD_SOCKET"]
    result = _django("print('started')", tmp_path, CLAMAV_DISABLED="1", **env)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout and "CLAMAV_DISABLED=1: uploads are not scanned" in result.stderr
    with_scanner = _django("print('started')", tmp_path, **_production_env(tmp_path))
    assert with_scanner.returncode == 0 and "CLAMAV_DISABLED" not in with_scanner.stderr


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on its own SQLite file; the in-process tests cover PostgreSQL",
)
def test_a_setting_the_published_policy_does_not_promise_stops_check_and_the_server(tmp_path):
    """P19: the policy is what runs. Version 1 promises login records for 6 months; started with
    3, `manage.py check` fails naming the setting and `serve` does not start; with 6 it passes."""
    env = {**_clean_env(), "SNSHELPER_VAR_DIR": str(tmp_path)}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    publish = "from snshelper.privacy_rights.policy import versions; versions.ensure_initial_version()"
    assert _django(publish, tmp_path).returncode == 0
    changed = {**env, "RETENTION_LOGIN_RECORDS_MONTHS": "3"}
    check = subprocess.run(
        [*manage, "check"], cwd=ROOT, env=changed, capture_output=True, text=True, timeout=120
    )
    assert check.returncode != 0
    assert (
        'settings.RETENTION_MONTHS["login_records"] is 3' in check.stderr and "privacy.E001" in check.stderr
    )
    serve = subprocess.run(
        [*manage, "serve", "--port", str(_free_port())],
        cwd=ROOT,
        env=changed,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert serve.returncode != 0 and "privacy.E001" in serve.stderr  # the server did not start
    assert subprocess.run([*manage, "check"], cwd=ROOT, env=env, timeout=120).returncode == 0


@pytest.mark.django_db
def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["queue"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_queue_is_down(client, monkeypatch):
    unreachable = RedisHuey("down", host="127.0.0.1", port=_free_port())
    monkeypatch.setattr(health, "HUEY", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"].startswith("down")


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError, connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")


@pytest.mark.django_db
def test_demo_data_loads_twice_and_every_account_signs_in(client):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    accounts = demo.load_demo()
    assert Member.objects.count() == 6
    emails = {a.email for a in accounts}
    assert emails == {
        "member@demo.test",
        "admin@demo.test",
        "marketing@demo.test",
        "finance@demo.test",
        "support@demo.test",
        "privacy@demo.test",
    }
    from snshelper.catalog.models import Service
    from snshelper.orders.models import Order, Status
    from snshelper.wallet import selectors as wallet_selectors
    from snshelper.wallet.models import TopUp

    demo_member = Member.objects.get(email="member@demo.test")
    assert Service.objects.filter(is_active=True).count() >= 30
    assert set(Order.objects.filter(member=demo_member).values_list("status", flat=True)) == set(
        Status.values
    )
    assert wallet_selectors.balance(demo_member) > 0
    assert TopUp.objects.filter(status=TopUp.Status.PENDING_REVIEW).count() == 2  # work for finance
    assert Order.objects.filter(status=Status.PENDING).exists()  # work for marketing
    from snshelper.privacy.models import PolicyVersion
    from snshelper.privacy_rights.desk import selectors as privacy_selectors

    desk = privacy_selectors.officer_desk()  # work for the privacy officer, once however often loaded
    assert len(desk.requests) == 1 and len(desk.inquiries) == 1
    assert PolicyVersion.objects.count() == 1
    for account in accounts:
        client.logout()
        response = sign_in(client, account.email, demo.DEMO_PASSWORD, totp_secret=account.totp_secret or None)
        assert response["Location"] == "/dashboard/", account.email
        if account.totp_secret:
            assert client.get("/admin/").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the embedded default is SQLite; this run is the PostgreSQL one",
)
def test_serve_with_worker_answers_and_runs_jobs(tmp_path):
    """`manage.py serve --with-worker` (what scripts/demo runs): pages, health, a worker; its console
    starts without a warning and is not flooded with the queue's per-job lines (mail stays visible)."""
    env = _clean_env()
    env["SNSHELPER_VAR_DIR"] = str(tmp_path)
    port = _free_port()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    console = (tmp_path / "console.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--with-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=console,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        state = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    state = json.load(r)
                if state["worker_last_seen"]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert state and state["status"] == "ok"
        assert state["worker_last_seen"], "the in-process worker ran no job"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200 and "SNS Helper" in r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
        console.close()
    printed = (tmp_path / "console.log").read_text()
    assert "Serving SNS Helper" in printed
    assert "WARNING" not in printed, printed
    assert "Executing" not in printed, printed  # the jobs ran (worker_last_seen) but say nothing
