"""A member asks for a copy of their data, verifies it is them, reads it as a page and downloads
the JSON; a week later the link has expired."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from snshelper.core import clock
from snshelper.orders.models import Order
from snshelper.privacy.models import DataExport
from tests.browser.conftest import Journey
from tests.browser.test_subscription_journey import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verify(page):
    page.get_by_test_id("send-code").click()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_code").fill(code)
    page.get_by_test_id("verify").click()


def test_member_reads_and_downloads_their_copy_until_the_link_expires(
    chromium, live_server, funded, make_service
):
    service = make_service()
    Order.objects.bulk_create(
        Order(
            member=funded,
            service=service,
            link=f"https://www.instagram.com/p/somchai{n:03d}/",
            quantity=100,
            rate=Decimal("90"),
            charge=Decimal("9"),
        )
        for n in range(1, 131)
    )
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    journey = Journey(context, live_server.url, name="export")
    page = journey.page
    sign_in(page, funded.email)

    page.goto("/account/privacy/verify/?next=/account/privacy/")
    _verify(page)
    page.wait_for_url("**/account/privacy/")
    page.get_by_test_id("request-view").click()
    found = DataExport.objects.get(request__member=funded)
    assert found.ready_at is not None  # the queue prepared it (jobs run at once in tests)
    (sent,) = [m for m in mail.outbox if found.token in m.body]
    link = re.search(r"https?://\S+/account/privacy/exports/\S+/", sent.body).group(0)

    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    if page.get_by_test_id("send-code").count():
        _verify(page)
    assert funded.member_id in page.content()
    orders = page.locator('[data-type="orders.Order"]')
    assert "somchai100/" in orders.inner_text() and "somchai101/" not in orders.inner_text()
    journey.shot("copy")
    orders.get_by_role("link", name=re.compile("Read them all")).click()
    assert "somchai130/" in page.locator('[data-type="orders.Order"]').inner_text()
    journey.shot("all-orders")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"snshelper-{funded.member_id}-")
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert len(data["records"]["orders.Order"]["rows"]) == 130
    assert journey.foreign_requests() == []

    clock.travel_to(found.expires_at + timedelta(seconds=1))
    try:
        page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
        if page.get_by_test_id("send-code").count():
            _verify(page)
        assert page.get_by_test_id("export-expired").is_visible()
        journey.shot("expired")
    finally:
        clock.release()
    context.close()
