"""Administrators manage the catalogue on staff pages; services are disabled, never deleted."""

from decimal import Decimal

import pytest

from snshelper.catalog.models import Service
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_administrator_adds_and_disables_a_service(client, make_staff, make_service):
    admin_staff, secret = make_staff("administrator")
    service = make_service()
    sign_in(client, admin_staff.email, totp_secret=secret)
    assert client.get("/admin/catalog/service/").status_code == 200
    client.post("/admin/catalog/service/", {"action": "disable_services", "_selected_action": [service.pk]})
    assert Service.objects.get(pk=service.pk).is_active is False
    assert client.get(f"/admin/catalog/service/{service.pk}/delete/").status_code == 403


def test_administrator_edits_a_rate(client, make_staff, make_service):
    admin_staff, secret = make_staff("administrator")
    service = make_service()
    sign_in(client, admin_staff.email, totp_secret=secret)
    form = {
        "category": service.category_id,
        "type": "Default",
        "is_active": "on",
        "fulfilment": "manual",
        "name_th": "ใหม่",
        "rate": "120.12345",
        "currency": "THB",
        "min_quantity": "100",
        "max_quantity": "5000",
        "step": "10",
        "one_active_order_per_link": "on",
    }
    response = client.post(f"/admin/catalog/service/{service.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Service.objects.get(pk=service.pk).rate == Decimal("120.12345")


@pytest.mark.parametrize("role", ["marketing", "finance", "support", "privacy_officer"])
def test_other_staff_cannot_manage_the_catalogue(client, make_staff, make_service, role):
    staff, secret = make_staff(role)
    service = make_service()
    sign_in(client, staff.email, totp_secret=secret)
    assert client.get("/admin/catalog/service/").status_code == 403
    assert client.get(f"/admin/catalog/service/{service.pk}/change/").status_code == 403
