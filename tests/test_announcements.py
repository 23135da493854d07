"""Announcements (issue 8): staff (marketing and administrators) publish service news, price
changes and maintenance notices per language; visitors see the newest in the popup until they hide
it, and every one showing on the updates page, in their language or else in Thai, with Bangkok
dates. Ended ones are gone from both."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import translation

from snshelper.staff import roles
from snshelper.web import selectors, services
from snshelper.web.models import Announcement
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 4, 1, 18, 0, tzinfo=UTC)  # 01:00 on 2 April in Bangkok
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
KO = {"HTTP_ACCEPT_LANGUAGE": "ko"}
NEWS = Announcement.Kind.SERVICE_NEWS
PRICE = Announcement.Kind.PRICE_CHANGE
MAINTENANCE = Announcement.Kind.MAINTENANCE


@pytest.fixture(autouse=True)
def start(clock):
    clock.travel_to(T0)
    return clock


def _publish(**fields):
    values = {"kind": NEWS, "title_th": "ข่าวบริการ", "body_th": "รายละเอียด", **fields}
    return services.publish_announcement(**values)


def _staff_client(client, make_staff, role):
    staff, secret = make_staff(role)
    sign_in(client, staff.email, totp_secret=secret)
    return client


# --- The service ------------------------------------------------------------------------------


def test_publishing_keeps_each_language_and_shows_thai_where_one_is_missing():
    announcement = _publish(
        kind=PRICE,
        title_th="ราคาใหม่",
        body_th="ลดราคา 10%",
        title_en="New prices",
        body_en="10% off",
    )
    assert announcement.published_at == T0 and announcement.ends_at is None
    with translation.override("en"):
        assert (announcement.title, announcement.body) == ("New prices", "10% off")
    with translation.override("ko"):
        assert (announcement.title, announcement.body) == ("ราคาใหม่", "ลดราคา 10%")
    with translation.override("th"):
        assert announcement.title == "ราคาใหม่"
        assert announcement.get_kind_display() == "การเปลี่ยนแปลงราคา"
    with translation.override("en"):
        assert announcement.get_kind_display() == "Price change"


@pytest.mark.parametrize(
    "fields",
    [{"title_th": ""}, {"body_th": "   "}, {"title_th": "", "title_en": "English only"}],
)
def test_the_thai_title_and_text_are_required(fields):
    with pytest.raises(services.ThaiTextMissing):
        _publish(**fields)
    assert Announcement.objects.count() == 0


def test_the_end_must_come_after_the_start():
    with pytest.raises(services.EndsBeforeStart):
        _publish(published_at=T0 + timedelta(days=2), ends_at=T0 + timedelta(days=1))
    with pytest.raises(services.EndsBeforeStart):
        _publish(ends_at=T0)
    with pytest.raises(services.UnknownKind):
        _publish(kind="gossip")
    assert Announcement.objects.count() == 0


def test_editing_changes_text_kind_and_dates():
    announcement = _publish()
    services.edit_announcement(
        announcement=announcement,
        kind=MAINTENANCE,
        title_th="ปิดปรับปรุง",
        body_th="คืนนี้",
        title_ko="점검",
        body_ko="오늘 밤",
        published_at=T0,
        ends_at=T0 + timedelta(hours=6),
    )
    announcement.refresh_from_db()
    assert (announcement.kind, announcement.title_th, announcement.title_ko) == (
        MAINTENANCE,
        "ปิดปรับปรุง",
        "점검",
    )
    assert announcement.ends_at == T0 + timedelta(hours=6)
    with pytest.raises(services.ThaiTextMissing):
        services.edit_announcement(
            announcement=announcement, kind=NEWS, title_th="", body_th="x", published_at=T0
        )


def test_ending_now_removes_it_from_the_popup_and_the_updates_page(clock):
    announcement = _publish()
    assert selectors.popup_announcement(dismissed_up_to=0) == announcement
    clock.advance(timedelta(minutes=5))
    services.end_announcement(announcement=announcement)
    announcement.refresh_from_db()
    assert not announcement.is_active and announcement.ends_at == T0 + timedelta(minutes=5)
    assert selectors.popup_announcement(dismissed_up_to=0) is None
    assert list(selectors.showing_announcements()) == []
    assert selectors.staff_announcements().ended == [announcement]
    with pytest.raises(services.AlreadyEnded):
        services.end_announcement(announcement=announcement)


def test_scheduled_and_expired_ones_are_not_shown(clock):
    later = _publish(title_th="อนาคต", published_at=T0 + timedelta(days=1))
    expiring = _publish(title_th="หมดเวลา", ends_at=T0 + timedelta(hours=1))
    lists = selectors.staff_announcements()
    assert (lists.showing, lists.scheduled, lists.ended) == ([expiring], [later], [])
    clock.advance(timedelta(hours=2))
    assert selectors.popup_announcement(dismissed_up_to=0) is None
    assert selectors.staff_announcements().ended == [expiring]
    clock.advance(timedelta(days=1))
    assert selectors.popup_announcement(dismissed_up_to=0) == later


# --- The updates page and the popup -----------------------------------------------------------


def test_the_updates_page_lists_newest_first_in_the_visitors_language(client, clock):
    _publish(kind=MAINTENANCE, title_th="ปิดปรับปรุง", title_en="Maintenance tonight", body_th="x", body_en="y")
    clock.advance(timedelta(hours=1))
    _publish(kind=PRICE, title_th="ราคาใหม่", body_th="ลดราคา")  # Thai only
    html = client.get("/updates/", **EN).content.decode()
    assert html.index("ราคาใหม่") < html.index("Maintenance tonight")  # newest first; Thai fallback
    assert "Price change" in html and "Maintenance" in html
    assert "2 Apr 2026 01:00" in html  # Bangkok time (18:00 UTC on 1 April)
    korean = client.get("/updates/", **KO).content.decode()
    assert "ปิดปรับปรุง" in korean and "Maintenance tonight" not in korean


def _updates_list(html: str) -> str:
    """The list itself (the popup on the same page shows the newest one too)."""
    return html[html.index('data-testid="updates"') : html.index("</main>")]


def test_the_updates_page_is_thai_by_default_and_paginated(client, clock):
    for n in range(12):
        clock.advance(timedelta(minutes=1))
        _publish(title_th=f"ข่าว {n:02d}")
    first = client.get("/updates/").content.decode()
    assert '<html lang="th">' in first
    first = _updates_list(first)
    assert "ข่าว 11" in first and "ข่าว 02" in first and "ข่าว 01" not in first
    second = _updates_list(client.get("/updates/?page=2").content.decode())
    assert "ข่าว 01" in second and "ข่าว 00" in second and "ข่าว 11" not in second


def test_ended_ones_are_gone_from_the_updates_page(client):
    gone = _publish(title_th="ยกเลิกแล้ว")
    services.end_announcement(announcement=gone)
    assert "ยกเลิกแล้ว" not in client.get("/updates/").content.decode()
    assert "ยกเลิกแล้ว" not in client.get("/").content.decode()


def test_the_popup_shows_the_kind_and_links_to_all_updates(client):
    client.post("/privacy/cookies/choice/", {"choice": "accept"})  # the banner first, never both
    _publish(kind=MAINTENANCE, title_th="ปิดปรับปรุง", title_en="Maintenance", body_th="x")
    html = client.get("/", **EN).content.decode()
    assert 'id="announcement-popup"' in html and "Maintenance" in html
    assert 'href="/updates/"' in html and "All updates" in html


def test_only_the_newest_not_dismissed_shows_and_dont_show_again_holds(client, clock):
    client.post("/privacy/cookies/choice/", {"choice": "accept"})
    older = _publish(title_th="เก่า")
    clock.advance(timedelta(minutes=1))
    newer = _publish(title_th="ใหม่")
    html = client.get("/").content.decode()
    assert "ใหม่" in html and "เก่า" not in html  # one popup: the newest
    response = client.post(f"/announcements/{newer.pk}/dismiss/", {"next": "/"})
    assert response.cookies[settings.POPUP_COOKIE_NAME].value == str(newer.pk)
    html = client.get("/").content.decode()
    assert 'id="announcement-popup"' not in html  # the older one stays hidden too
    assert "เก่า" in client.get("/updates/").content.decode()  # still on the updates page
    assert older.pk < newer.pk


def test_a_visitor_who_refused_optional_cookies_is_spared_it_for_the_session(client):
    _publish(title_th="ข่าว")
    client.post("/privacy/cookies/choice/", {"choice": "refuse"})
    announcement = Announcement.objects.get()
    assert 'id="announcement-popup"' in client.get("/").content.decode()
    response = client.post(f"/announcements/{announcement.pk}/dismiss/", {"next": "/"})
    assert settings.POPUP_COOKIE_NAME not in response.cookies  # no optional cookie (P13)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""  # ends with the browser
    assert 'id="announcement-popup"' not in client.get("/").content.decode()


# --- The staff pages --------------------------------------------------------------------------


def _form(**fields):
    return {
        "kind": PRICE,
        "title_th": "ราคาใหม่",
        "body_th": "ลดราคา",
        "title_en": "New prices",
        "body_en": "10% off",
        "title_ko": "",
        "body_ko": "",
        "published_at": "",
        "ends_at": "",
        **fields,
    }


@pytest.mark.parametrize("role", [roles.MARKETING, roles.ADMINISTRATOR])
def test_marketing_and_administrators_publish_from_the_staff_page(client, make_staff, role):
    _staff_client(client, make_staff, role)
    assert client.get("/staff/announcements/new/").status_code == 200
    response = client.post("/staff/announcements/new/", _form(ends_at="2026-04-09T12:00"))
    assert response.status_code == 302 and response["Location"] == "/staff/announcements/"
    announcement = Announcement.objects.get()
    assert (announcement.kind, announcement.title_en) == (PRICE, "New prices")
    assert announcement.ends_at == datetime(2026, 4, 9, 5, 0, tzinfo=UTC)  # typed in Bangkok time
    page = client.get("/staff/announcements/", **EN).content.decode()
    assert "ราคาใหม่" in page and "Price change" in page
    assert 'data-testid="announcements-showing"' in page


def test_the_staff_form_shows_the_rules_as_errors(client, make_staff):
    _staff_client(client, make_staff, roles.MARKETING)
    response = client.post(
        "/staff/announcements/new/", _form(title_th="", body_th="", title_en="English only"), **EN
    )
    assert response.status_code == 200
    assert "Write the Thai title and text" in response.content.decode()
    response = client.post(
        "/staff/announcements/new/",
        _form(published_at="2026-04-05T10:00", ends_at="2026-04-04T10:00"),
        **EN,
    )
    assert "The end must come after the start" in response.content.decode()
    assert Announcement.objects.count() == 0


def test_staff_edit_and_end_an_announcement(client, make_staff):
    _staff_client(client, make_staff, roles.MARKETING)
    announcement = _publish(title_th="เดิม")
    edit = client.get(f"/staff/announcements/{announcement.pk}/")
    assert edit.status_code == 200 and "เดิม" in edit.content.decode()
    response = client.post(
        f"/staff/announcements/{announcement.pk}/",
        _form(kind=MAINTENANCE, title_th="ใหม่", published_at="2026-04-02T01:00"),
    )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert (announcement.kind, announcement.title_th, announcement.published_at) == (MAINTENANCE, "ใหม่", T0)
    response = client.post(f"/staff/announcements/{announcement.pk}/end/", **EN)
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert not announcement.is_active
    assert "Announcement ended" in client.get("/staff/announcements/", **EN).content.decode()


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.FINANCE, roles.PRIVACY_OFFICER])
def test_other_roles_may_not_publish(client, make_staff, role):
    _staff_client(client, make_staff, role)
    assert client.get("/staff/announcements/").status_code == 403
    assert client.post("/staff/announcements/new/", _form()).status_code == 403
    assert Announcement.objects.count() == 0


def test_marketing_holds_the_announcement_permissions_but_not_delete(make_staff):
    staff, _secret = make_staff(roles.MARKETING)
    assert staff.has_perms(["web.view_announcement", "web.add_announcement", "web.change_announcement"])
    assert not staff.has_perm("web.delete_announcement")
