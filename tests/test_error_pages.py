"""Error pages (issue 17): 400, 403, 404, 500 and an expired form answer in the site's layout and
the visitor's language with a way back; a refused page logs one line, not a traceback; the APIs
answer their errors as JSON."""

import logging

import pytest
from django.test import Client
from django.urls import path

from snshelper.urls import urlpatterns as site_urlpatterns
from tests.conftest import sign_in

HEADINGS = {
    404: {
        "en": "We could not find this page",
        "th": "เราไม่พบหน้าที่คุณต้องการ",
        "ko": "요청하신 페이지를 찾을 수 없습니다",
    },
    403: {
        "en": "This page is not open to you",
        "th": "หน้านี้ไม่ได้เปิดให้บัญชีของคุณ",
        "ko": "이 페이지에 접근할 수 없습니다",
    },
    400: {
        "en": "We could not understand this request",
        "th": "เราไม่เข้าใจคำขอนี้",
        "ko": "이 요청을 이해할 수 없습니다",
    },
    500: {
        "en": "Something went wrong on our side",
        "th": "เกิดข้อผิดพลาดที่ระบบของเรา",
        "ko": "저희 쪽에서 문제가 발생했습니다",
    },
}
CSRF_HEADING = {"en": "The form could not be sent", "th": "ส่งแบบฟอร์มไม่สำเร็จ", "ko": "양식을 보낼 수 없습니다"}
LANGUAGES = ["th", "en", "ko"]


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("api/boom/", _boom), *site_urlpatterns]
handler400 = "snshelper.web.errors.bad_request"
handler403 = "snshelper.web.errors.permission_denied"
handler404 = "snshelper.web.errors.page_not_found"
handler500 = "snshelper.web.errors.server_error"


def _in(client: Client, language: str) -> Client:
    client.cookies["snshelper_language"] = language
    return client


def _assert_error_page(response, status: int, heading: str, language: str):
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert f'data-status="{status}"' in html
    assert 'href="/"' in html and 'href="/support/"' in html  # a way back, and help
    assert 'class="site-header"' in html and 'class="site-footer"' in html  # the site's layout


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_page_answers_in_the_visitors_language_with_a_way_back(client, db, language):
    response = _in(client, language).get("/no-such-page/")
    _assert_error_page(response, 404, HEADINGS[404][language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_staff_page_answers_in_the_members_language(client, member, language):
    member.language = language
    member.save()
    sign_in(_in(client, language), member.email)
    response = client.get("/staff/orders/")
    _assert_error_page(response, 403, HEADINGS[403][language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_malformed_request_answers_in_the_visitors_language(client, db, language):
    response = _in(client, language).get("/", HTTP_HOST="not-our-site.example")  # a host we do not serve
    _assert_error_page(response, 400, HEADINGS[400][language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_expired_form_answers_in_the_visitors_language(db, language):
    client = _in(Client(enforce_csrf_checks=True), language)
    response = client.post("/support/new/", {"subject": "Hello"})  # no CSRF token: a stale page
    _assert_error_page(response, 403, CSRF_HEADING[language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_server_error_answers_in_the_visitors_language(db, settings, language):
    settings.ROOT_URLCONF = __name__
    client = _in(Client(raise_request_exception=False), language)
    response = client.get("/boom/")
    _assert_error_page(response, 500, HEADINGS[500][language], language)


def broken_processor(request):
    raise RuntimeError("the database is gone")


def test_a_server_error_still_answers_when_the_layout_cannot_be_drawn(db, settings):
    """The error may be the database itself: the plain page needs no read."""
    settings.ROOT_URLCONF = __name__
    options = settings.TEMPLATES[0]["OPTIONS"]
    processors = [*options["context_processors"], f"{__name__}.broken_processor"]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**options, "context_processors": processors}}]
    response = _in(Client(raise_request_exception=False), "ko").get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert HEADINGS[500]["ko"] in html and 'href="/"' in html and '<html lang="ko">' in html


def test_a_refused_page_logs_one_line_without_a_traceback(client, member, caplog):
    sign_in(client, member.email)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/staff/orders/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /staff/orders/"
    assert record.exc_info is None and "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("url", "status", "error"),
    [("/api/v1/no-such-thing", 404, "Not found"), ("/api/nothing-here/", 404, "Not found")],
)
def test_the_apis_answer_errors_as_json(client, db, url, status, error):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"error": error}


def test_an_api_server_error_is_json(db, settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/api/boom/")
    assert response.status_code == 500
    assert response.json() == {"error": "Server error"}
