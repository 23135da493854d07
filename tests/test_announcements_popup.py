"""The announcement popup respects the person (issue 17): once per announcement per visitor, never on
staff pages or over a form being sent, never together with the cookie banner."""

import pytest
from django.conf import settings

from snshelper.web import services
from snshelper.web.models import Announcement, PopupSeen
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

POPUP = 'id="announcement-popup"'


def _publish(title="ข่าวใหม่") -> Announcement:
    return services.publish_announcement(
        kind=Announcement.Kind.SERVICE_NEWS, title_th=title, body_th="รายละเอียด"
    )


def _choose(client, choice: str) -> None:
    client.post("/privacy/cookies/choice/", {"choice": choice})


def test_the_cookie_banner_comes_first_and_the_popup_never_stacks_on_it(client):
    _publish()
    first = client.get("/").content.decode()
    assert 'data-testid="cookie-banner"' in first and POPUP not in first
    _choose(client, "accept")
    second = client.get("/").content.decode()
    assert POPUP in second and 'data-testid="cookie-banner"' not in second


def test_closing_it_once_is_enough_with_cookies_allowed(client):
    announcement = _publish()
    _choose(client, "accept")
    response = client.post(f"/announcements/{announcement.pk}/dismiss/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.cookies[settings.POPUP_COOKIE_NAME].value == str(announcement.pk)
    for path in ("/", "/updates/", "/services/"):
        assert POPUP not in client.get(path).content.decode(), path
    newer = _publish("ข่าวล่าสุด")
    assert "ข่าวล่าสุด" in client.get("/").content.decode()  # a new announcement shows once too
    assert newer.pk > announcement.pk


def test_a_signed_in_member_closes_it_on_every_device(client, member):
    from django.test import Client

    announcement = _publish()
    _choose(client, "refuse")  # even without any optional cookie
    sign_in(client, member.email)
    assert POPUP in client.get("/dashboard/").content.decode()
    client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/dashboard/"})
    assert PopupSeen.objects.get(member=member).up_to == announcement.pk
    assert POPUP not in client.get("/dashboard/").content.decode()

    phone = Client()
    _choose(phone, "accept")
    sign_in(phone, member.email)
    assert POPUP not in phone.get("/dashboard/").content.decode()


def test_an_older_close_never_brings_a_newer_one_back(member):
    older, newer = _publish("เก่า"), _publish("ใหม่")
    services.remember_popup_seen(member=member, up_to=newer.pk)
    services.remember_popup_seen(member=member, up_to=older.pk)  # a second tab, closed later
    assert PopupSeen.objects.get(member=member).up_to == newer.pk


def test_never_on_staff_pages(client, make_staff):
    _publish()
    marketing, secret = make_staff("marketing")
    _choose(client, "accept")
    sign_in(client, marketing.email, totp_secret=secret)
    for path in ("/staff/", "/staff/announcements/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert POPUP not in response.content.decode(), path
    assert POPUP in client.get("/updates/").content.decode()  # a member page still shows it


def test_never_over_a_form_being_sent_or_the_account_forms(client, funded, make_service):
    _publish()
    _choose(client, "accept")
    sign_in(client, funded.email)
    service = make_service()
    refused = client.post("/orders/new/", {"service": service.pk, "link": "not a link", "quantity": "1"})
    assert refused.status_code == 200 and POPUP not in refused.content.decode()
    client.logout()
    _choose(client, "accept")
    assert POPUP not in client.get("/accounts/login/").content.decode()


def test_the_popup_is_a_modal_opened_by_script_with_one_close_button(client):
    _publish()
    _choose(client, "accept")
    page = client.get("/").content.decode()
    dialog = page[page.index('<dialog class="popup"') : page.index("</dialog>", page.index(POPUP))]
    assert " open" not in dialog.split(">")[0]  # popup.js opens it with showModal()
    assert dialog.count('type="submit"') == 1 and "web/popup" in page
