"""The public price list (issue 18, point 4): every service on sale, by platform and category, with
its price and rules, searchable and filterable without signing in, one query for the rows however
many services there are, one page per service, and an "order this" button that leads through
sign-in to the order form with the service chosen."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from snshelper.catalog.models import Category, Platform, Service
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _services(make_service, count: int, **fields) -> list[Service]:
    first = make_service(**fields)
    rest = [
        Service(
            category=first.category,
            name_th=f"บริการที่ {n}",
            name_en=f"Service {n}",
            name_ko=f"서비스 {n}",
            description_th="คำอธิบาย",
            rate=Decimal("10") + n,
            min_quantity=10,
            max_quantity=5000,
        )
        for n in range(count - 1)
    ]
    return [first, *Service.objects.bulk_create(rest)]


def _queries(client, path: str) -> int:
    """Queries of one request, the site-wide caches (footer, maintenance state) warm."""
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_price_list_costs_the_same_queries_for_10_and_1000_services(client, make_service):
    _services(make_service, 10)
    tiktok = make_service(platform="tiktok", name_en="TikTok likes")
    with_ten = _queries(client, "/services/")
    with_ten_filtered = _queries(client, f"/services/?platform=tiktok&category={tiktok.category_id}&q=likes")
    Service.objects.bulk_create(
        Service(category=tiktok.category, name_th=f"ไลก์ {n}", rate=Decimal("5"), max_quantity=1000)
        for n in range(990)
    )
    assert Service.objects.count() == 1001
    assert _queries(client, "/services/") == with_ten
    assert _queries(client, "/services/?page=3") == with_ten
    assert _queries(client, f"/services/?platform=tiktok&category={tiktok.category_id}&q=likes") == (
        with_ten_filtered
    )
    assert _queries(client, f"/services/{tiktok.pk}/") == _queries(client, f"/services/{tiktok.pk + 1}/")


def test_a_visitor_sees_every_service_on_sale_with_its_price_and_rules(client, make_service):
    followers = make_service(
        rate=Decimal("89.5"),
        min_quantity=100,
        max_quantity=20_000,
        refill_days=30,
        cancel_allowed=True,
        average_minutes=180,
        description_th="ผู้ติดตามจากบัญชีคนไทย",
    )
    make_service(name_th="ปิดขายแล้ว", name_en="Withdrawn service", is_active=False)
    hidden_platform = make_service(platform="x", name_th="บริการบนแพลตฟอร์มที่ปิด", name_en="On a closed platform")
    Platform.objects.filter(code="x").update(is_active=False)

    response = client.get("/services/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="th">' in html
    row = html[html.index(f'id="service-{followers.pk}"') :].split("</tr>")[0]
    for shown in ("ผู้ติดตามคนไทย", "ผู้ติดตามจากบัญชีคนไทย", "฿89.5", "100 – 20000", "30 วัน", "3 ชั่วโมง"):
        assert shown in row, shown
    assert "Instagram" in html and "ผู้ติดตาม" in html  # its platform and category head the group
    assert "ปิดขายแล้ว" not in html and "Withdrawn service" not in html
    assert hidden_platform.name_th not in html


def test_names_and_descriptions_come_in_the_visitors_language_else_thai(client, make_service):
    make_service(name_ko="태국인 팔로워", description_en="Followers from Thai accounts.")
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    html = client.get("/services/").content.decode()
    assert "태국인 팔로워" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/services/").content.decode()
    assert "Thai followers" in html and "Followers from Thai accounts." in html


def test_search_and_filters_work_without_javascript(client, make_service):
    followers = make_service(name_en="Thai followers")
    likes = make_service(platform="tiktok", name_th="ไลก์ TikTok", name_en="TikTok likes")
    views = make_service(platform="tiktok", name_th="วิว TikTok", name_en="TikTok views")

    def shown(query: str) -> set[int]:
        html = client.get(f"/services/?{query}").content.decode()
        return {s.pk for s in (followers, likes, views) if f'id="service-{s.pk}"' in html}

    assert shown("") == {followers.pk, likes.pk, views.pk}
    assert shown("platform=tiktok") == {likes.pk, views.pk}
    assert shown(f"category={followers.category_id}") == {followers.pk}
    assert shown("q=ไลก์") == {likes.pk}
    assert shown("q=tiktok+VIEWS") == {views.pk}  # every word, any language, any case
    assert shown(f"q=%23{views.pk}") == {views.pk}  # by number
    assert shown("q=instagram") == {followers.pk}  # by platform name
    # A category of another platform left over in the form does not empty the list.
    assert shown(f"platform=tiktok&category={followers.category_id}") == {likes.pk, views.pk}
    assert "ไม่มีบริการที่ตรงกับ" in client.get("/services/?q=nothing-like-this").content.decode()


def test_the_list_is_split_into_pages_of_fifty(client, make_service):
    _services(make_service, 120)
    first = client.get("/services/").content.decode()
    assert first.count('data-testid="service-') == 50 and "หน้า 1 จาก 3" in first
    last = client.get("/services/?page=3").content.decode()
    assert last.count('data-testid="service-') == 20


def test_each_service_has_its_own_page_and_an_anchor_in_the_list(client, make_service):
    service = make_service(description_en="Real accounts.\nStarts within an hour.", refill_days=7)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/services/{service.pk}/").content.decode()
    assert "Thai followers" in page and "Starts within an hour." in page and "7 days" in page
    assert f"/services/?platform=instagram&amp;category={service.category_id}#service-{service.pk}" in page
    assert f"/services/{service.pk}/" in client.get("/services/").content.decode()
    service.is_active = False
    service.save()
    assert client.get(f"/services/{service.pk}/").status_code == 404
    assert client.get("/services/999999/").status_code == 404


def test_order_this_leads_through_sign_in_to_the_order_form_with_the_service_chosen(
    client, member, make_service
):
    service = make_service()
    list_page = client.get("/services/").content.decode()
    order_url = f"/orders/new/?service={service.pk}"
    assert f'href="{order_url}"' in list_page

    response = client.get(order_url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(order_url, safe='/')}"
    signed_in = client.post(response["Location"], {"login": member.email, "password": PASSWORD})
    assert signed_in["Location"] == order_url
    form = client.get(order_url)
    assert form.context["service"] == service
    assert f'<option value="{service.pk}" selected>' in form.content.decode()


def test_a_package_shows_its_price_as_the_whole_packages(client, make_service):
    make_service(name_en="Starter package", type=Service.Type.PACKAGE, rate=Decimal("499"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/services/").content.decode()
    assert 'data-label="Price of the package">฿499.00<' in html


def test_the_filters_list_only_platforms_and_categories_with_something_on_sale(client, make_service):
    make_service()
    empty = Category.objects.create(platform=Platform.objects.get(code="youtube"), name_th="หมวดว่าง")
    html = client.get("/services/").content.decode()
    assert 'value="instagram"' in html and 'value="youtube"' not in html
    assert empty.name_th not in html
