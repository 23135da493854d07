"""Mass orders: every line validated and reported; each accepted line atomic; retries safe."""

from decimal import Decimal

import pytest

from snshelper.orders import errors
from snshelper.orders.forms import MassOrderForm
from snshelper.orders.models import Order
from snshelper.orders.services import place_mass_order
from snshelper.wallet import selectors

pytestmark = pytest.mark.django_db


def mass_order(member, text: str, key: str):
    """The text as the mass-order page reads it (its form), placed by the service."""
    form = MassOrderForm({"orders": text, "idempotency_key": key})
    assert form.is_valid(), form.errors
    return place_mass_order(member=member, lines=form.cleaned_data["orders"], idempotency_key=key)


def test_each_line_is_accepted_or_refused_with_its_reason(funded, make_service):
    service = make_service(rate=Decimal("90"))
    text = "\n".join(
        [
            f"{service.pk} | https://www.instagram.com/p/one/ | 1000",
            f"{service.pk} | https://www.tiktok.com/@x/video/1 | 1000",
            f"{service.pk} | https://www.instagram.com/p/two/ | 5",
            "999999 | https://www.instagram.com/p/three/ | 1000",
            "just some words",
            "",
            f"{service.pk} | @somchai.shop | 2000",
        ]
    )
    results = mass_order(funded, text, "mass-1")
    assert [r.number for r in results] == [1, 2, 3, 4, 5, 7]
    assert [bool(r.order) for r in results] == [True, False, False, False, False, True]
    assert results[1].error == "ลิงก์ไม่ถูกต้องหรือไม่ตรงกับแพลตฟอร์มของบริการ"  # Incorrect link, in Thai
    assert all(r.error for r in results if not r.order) and not any(r.error for r in results if r.order)
    assert Order.objects.count() == 2
    assert selectors.balance(funded) == Decimal("1000") - Decimal("90") - Decimal("180")


def test_lines_beyond_the_balance_are_refused_and_the_rest_stand(funded, make_service):
    service = make_service(rate=Decimal("400"), min_quantity=1000, max_quantity=1000, step=1000)
    lines = "\n".join(f"{service.pk} | https://www.instagram.com/p/p{i}/ | 1000" for i in range(3))
    results = mass_order(funded, lines, "mass-2")
    assert [bool(r.order) for r in results] == [True, True, False]
    assert selectors.balance(funded) == Decimal("200")


def test_a_retried_submission_places_nothing_twice(funded, make_service):
    service = make_service(rate=Decimal("90"))
    text = f"{service.pk} | https://www.instagram.com/p/one/ | 1000\n{service.pk} | @shop | 100"
    first = mass_order(funded, text, "mass-3")
    again = mass_order(funded, text, "mass-3")
    assert [r.order.pk for r in first] == [r.order.pk for r in again]
    assert Order.objects.count() == 2


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_mass_order_is_refused(funded, text):
    with pytest.raises(errors.InvalidOrderFields):
        mass_order(funded, text, "mass-4")
