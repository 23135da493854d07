"""/healthz and the staff dashboard say when background work is late (issue 16: work that resumes
by itself): the provider sync or the forwarding pass not finished, or the worker not seen, for
longer than HEALTH_MAX_JOB_AGE_MINUTES; ``?strict=1`` answers 503 then."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from snshelper.core import health, leases
from snshelper.core import tasks as core_tasks
from snshelper.providers import tasks as provider_tasks
from snshelper.staff import roles
from tests.conftest import sign_in

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def all_background_work_runs():
    for name in (provider_tasks.SYNC_LEASE, provider_tasks.FORWARD_DUE_LEASE):
        with leases.held(name, ttl=provider_tasks.LEASE_TTL):
            pass
    core_tasks.worker_heartbeat.call_local()


@pytest.fixture
def fresh(db, clock, settings):
    settings.HEALTH_MAX_JOB_AGE_MINUTES = 10
    cache.delete(health.HEARTBEAT_KEY)
    all_background_work_runs()


def test_healthz_is_ok_while_the_jobs_finish_runs(fresh, client):
    for path in ("/healthz", "/healthz?strict=1"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json()["status"] == "ok" and response.json()["overdue"] == []


def test_a_sync_not_finished_for_longer_than_the_age_is_degraded_and_strict_says_503(fresh, client, clock):
    clock.advance(timedelta(minutes=11))
    with leases.held(provider_tasks.FORWARD_DUE_LEASE, ttl=provider_tasks.LEASE_TTL):
        pass  # forwarding still finishes; the sync does not (its lease held by a dead worker, say)
    core_tasks.worker_heartbeat.call_local()

    response = client.get("/healthz")
    assert response.status_code == 200  # a load balancer keeps the site in service
    body = response.json()
    assert body["status"] == "degraded" and body["overdue"] == ["providers-sync"]
    assert body["jobs"]["providers-sync"]["overdue"] and not body["jobs"]["providers-forward-due"]["overdue"]
    assert client.get("/healthz?strict=1").status_code == 503

    all_background_work_runs()  # the next run finishes: healthy again
    assert client.get("/healthz?strict=1").status_code == 200


def test_a_forwarding_pass_not_finished_is_degraded(fresh, client, clock):
    clock.advance(timedelta(minutes=11))
    with leases.held(provider_tasks.SYNC_LEASE, ttl=provider_tasks.LEASE_TTL):
        pass
    core_tasks.worker_heartbeat.call_local()
    assert client.get("/healthz").json()["overdue"] == ["providers-forward-due"]
    assert client.get("/healthz?strict=1").status_code == 503


def test_a_worker_not_seen_means_jobs_are_overdue(fresh, client, clock):
    clock.advance(timedelta(minutes=11))
    for name in (provider_tasks.SYNC_LEASE, provider_tasks.FORWARD_DUE_LEASE):
        with leases.held(name, ttl=provider_tasks.LEASE_TTL):
            pass
    assert client.get("/healthz").json()["overdue"] == ["worker"]
    assert client.get("/healthz?strict=1").status_code == 503


def test_jobs_that_never_ran_are_degraded(db, client):
    cache.delete(health.HEARTBEAT_KEY)
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["overdue"] == ["providers-sync", "providers-forward-due", "worker"]


def test_the_age_is_a_setting(fresh, client, clock, settings):
    clock.advance(timedelta(minutes=11))
    settings.HEALTH_MAX_JOB_AGE_MINUTES = 30
    assert client.get("/healthz?strict=1").status_code == 200


@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, roles.MARKETING])
def test_the_staff_dashboard_shows_late_background_work(fresh, client, make_staff, clock, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    assert 'data-testid="background-degraded"' not in client.get("/staff/", **EN).content.decode()

    clock.advance(timedelta(minutes=11))
    with leases.held(provider_tasks.FORWARD_DUE_LEASE, ttl=provider_tasks.LEASE_TTL):
        pass
    core_tasks.worker_heartbeat.call_local()
    html = client.get("/staff/", **EN).content.decode()
    assert 'data-testid="background-degraded"' in html
    assert "Status sync with providers" in html and "Sending due orders" not in html


def test_roles_that_do_not_follow_providers_are_not_told(fresh, client, make_staff, clock):
    staff, secret = make_staff(roles.FINANCE)
    sign_in(client, staff.email, totp_secret=secret)
    clock.advance(timedelta(minutes=11))
    assert 'data-testid="background-degraded"' not in client.get("/staff/", **EN).content.decode()
