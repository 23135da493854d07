"""Pages staff write (issue 18, point 5): terms of service, FAQ and how-to guides, titled, ordered,
in th / en / ko (else Thai), written in Markdown that is rendered and sanitised on the server,
linked from the footer, written by marketing and administrators in the back office, each change a
new version; and the version of the terms a member accepted at sign-up is recorded."""

import re

import pytest

from snshelper.accounts.models import Member
from snshelper.demo.pages import load_demo_pages
from snshelper.pages import markup, selectors, services
from snshelper.pages.models import Page, TermsAcceptance
from snshelper.privacy import registry
from snshelper.privacy_rights.withdrawal import services as withdrawal
from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def _page(slug="how-to-order", kind="guide", **fields) -> Page:
    values = {
        "title_th": "วิธีสั่งซื้อ",
        "body_th": "## ขั้นตอน\n\n1. เติมเงิน\n2. สั่งซื้อ",
        "title_en": "How to order",
        "body_en": "## Steps\n\n1. Top up\n2. Order",
        "is_published": True,
        **fields,
    }
    return services.create_page(slug=slug, kind=kind, **values)


def _terms(**fields) -> Page:
    return _page(
        slug="terms", kind="terms", title_th="ข้อตกลงการใช้บริการ", title_en="Terms of service", **fields
    )


# --- The markup ----------------------------------------------------------------------------------


def test_markdown_becomes_html_with_headings_lists_links_and_tables():
    html = markup.render(
        "# Payment\n\n**Bold** and *italic*, [our prices](/services/)"
        " and [mail](mailto:help@example.test).\n\n## Fees\n\n- one\n- two\n\n"
        "| fee | amount |\n|:--|--:|\n| top-up | 0 |"
    )
    assert '<h2 id="section-payment">Payment</h2>' in html  # the page's title is its only h1
    assert '<h2 id="section-fees">Fees</h2>' in html
    assert "<strong>Bold</strong>" in html and "<em>italic</em>" in html
    assert '<a href="/services/" rel="noopener noreferrer nofollow">our prices</a>' in html
    assert 'href="mailto:help@example.test"' in html
    assert "<ul>" in html and "<li>one</li>" in html and "<table>" in html and "<td>top-up</td>" in html


def test_scripts_styles_handlers_frames_and_foreign_images_never_reach_the_page():
    html = markup.render(
        '<script>alert("x")</script>\n\n<style>body{display:none}</style>\n\n'
        '<p style="color:red" onclick="steal()">Hello</p>\n\n<iframe src="https://evil.example"></iframe>\n\n'
        '<img src="https://tracker.example/p.gif" onerror="steal()">\n\n'
        "[click](javascript:steal()) and [data](data:text/html,hi)\n\n| a |\n|:-:|\n| b |"
    )
    assert "Hello" in html
    forbidden = ["<script", "alert(", "<style", "display:none", "style=", "onclick", "onerror", "<iframe"]
    forbidden += ["<img", "tracker.example", "javascript:", "data:text"]
    for text in forbidden:
        assert text not in html, text


def test_thai_headings_get_readable_anchors_for_links_to_one_answer():
    html = markup.render("## เติมเงินอย่างไร\n\nโอนผ่านพร้อมเพย์")
    assert '<h2 id="section-เติมเงินอย่างไร">' in html


# --- Reading a page --------------------------------------------------------------------------------


def test_a_page_is_read_in_the_visitors_language_else_in_thai(client):
    _page(title_ko="", body_ko="")
    thai = client.get("/pages/how-to-order/").content.decode()
    assert "<h1>วิธีสั่งซื้อ</h1>" in thai and "<li>เติมเงิน</li>" in thai
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/pages/how-to-order/").content.decode()
    assert "<h1>How to order</h1>" in english and "<li>Top up</li>" in english
    client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    korean = client.get("/pages/how-to-order/").content.decode()
    assert "<h1>วิธีสั่งซื้อ</h1>" in korean and 'lang="th" data-testid="written-page"' in korean


def test_a_draft_is_hidden_from_visitors_and_members_but_staff_who_write_pages_preview_it(
    client, member, make_staff
):
    _page(is_published=False)
    assert client.get("/pages/how-to-order/").status_code == 404
    sign_in(client, member.email)
    assert client.get("/pages/how-to-order/").status_code == 404
    client.logout()
    marketing, secret = make_staff("marketing")
    sign_in(client, marketing.email, totp_secret=secret)
    response = client.get("/pages/how-to-order/")
    assert response.status_code == 200 and 'data-testid="draft-notice"' in response.content.decode()
    assert client.get("/pages/no-such-page/").status_code == 404


def test_published_pages_are_linked_from_every_pages_footer_in_order_and_in_the_visitors_language(client):
    _page(slug="faq", kind="faq", title_th="คำถามที่พบบ่อย", title_en="FAQ", sort_order=2)
    _page(slug="thai-only", title_th="เฉพาะภาษาไทย", title_en="Thai only", body_en="", sort_order=3)
    _terms(sort_order=1)
    _page(slug="draft", title_th="ฉบับร่าง", is_published=False)
    _page(slug="not-in-footer", title_th="ไม่อยู่ท้ายหน้า", in_footer=False)

    def footer(path="/"):
        html = client.get(path).content.decode()
        return re.findall(r'<a href="/pages/([a-z-]+)/">([^<]+)</a>', html.split('class="site-footer"')[1])

    assert footer() == [("terms", "ข้อตกลงการใช้บริการ"), ("faq", "คำถามที่พบบ่อย"), ("thai-only", "เฉพาะภาษาไทย")]
    assert footer("/services/") == footer("/accounts/login/") == footer()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    # A page not written in English is read in Thai, and its link says so.
    assert footer() == [("terms", "Terms of service"), ("faq", "FAQ"), ("thai-only", "เฉพาะภาษาไทย")]


def test_the_footer_follows_a_change_at_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = _page()
    assert "วิธีสั่งซื้อ" in client.get("/").content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.edit_page(
            page=page,
            slug=page.slug,
            kind="guide",
            title_th="สั่งซื้ออย่างไร",
            body_th="ข้อความ",
            is_published=True,
        )
    html = client.get("/").content.decode()
    assert "สั่งซื้ออย่างไร" in html and "วิธีสั่งซื้อ" not in html


# --- Versions and rules --------------------------------------------------------------------------


def test_each_change_of_text_is_a_new_version_and_earlier_ones_stay_as_they_were():
    page = _terms()
    first = page.current
    page = services.edit_page(
        page=page,
        slug="terms",
        kind="terms",
        title_th="ข้อตกลงการใช้บริการ",
        body_th="ข้อ 1 ใหม่",
        is_published=True,
    )
    assert page.current.number == 2 and page.current.body_th == "ข้อ 1 ใหม่"
    first.refresh_from_db()
    assert first.number == 1 and first.body_th.startswith("## ขั้นตอน")
    # Settings alone (order, footer, published) keep the version.
    page = services.edit_page(
        page=page,
        slug="terms",
        kind="terms",
        title_th="ข้อตกลงการใช้บริการ",
        body_th="ข้อ 1 ใหม่",
        sort_order=5,
        in_footer=False,
        is_published=True,
    )
    assert page.current.number == 2 and page.sort_order == 5 and page.versions.count() == 2


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"title_th": " "}, services.ThaiTextMissing),
        ({"body_th": ""}, services.ThaiTextMissing),
        ({"slug": "How To"}, services.AddressInvalid),
        ({"slug": "terms"}, services.AddressTaken),
        ({"kind": "terms"}, services.SecondTermsPage),
        ({"kind": "blog"}, services.UnknownKind),
    ],
)
def test_a_page_that_breaks_a_rule_is_refused_with_a_clear_message(change, refusal):
    _terms()
    values = {"slug": "guide", "kind": "guide", "title_th": "คู่มือ", "body_th": "ข้อความ", **change}
    with pytest.raises(refusal):
        services.create_page(**values)
    assert Page.objects.count() == 1


# --- The back office ------------------------------------------------------------------------------


def test_marketing_writes_a_page_and_edits_it_into_a_second_version(client, make_staff):
    marketing, secret = make_staff("marketing")
    sign_in(client, marketing.email, totp_secret=secret)
    form = {
        "slug": "faq",
        "kind": "faq",
        "title_th": "คำถามที่พบบ่อย",
        "body_th": "## ใช้เวลานานไหม\n\nเริ่มภายใน 1 ชั่วโมง",
        "title_en": "FAQ",
        "body_en": "",
        "title_ko": "",
        "body_ko": "",
        "sort_order": "1",
        "in_footer": "on",
        "is_published": "on",
    }
    response = client.post("/staff/pages/new/", form)
    page = Page.objects.get(slug="faq")
    assert response["Location"] == f"/staff/pages/{page.pk}/"
    assert page.is_published and page.current.number == 1 and page.current.by == marketing
    response = client.post(f"/staff/pages/{page.pk}/", {**form, "body_th": "เริ่มภายใน 30 นาที"}, follow=True)
    assert "เวอร์ชัน 2" in response.content.decode()
    assert list(page.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert "/staff/pages/" in client.get("/staff/").content.decode()  # linked from the dashboard


def test_the_staff_form_shows_the_services_refusal_beside_the_address(client, make_staff):
    _terms()
    admin, secret = make_staff("administrator")
    sign_in(client, admin.email, totp_secret=secret)
    response = client.post(
        "/staff/pages/new/",
        {"slug": "terms", "kind": "guide", "title_th": "คู่มือ", "body_th": "ข้อความ", "sort_order": "0"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [str(services.AddressTaken.message)]


# --- Terms accepted at sign-up ---------------------------------------------------------------------


def _sign_up(client, **extra):
    data = {
        "name": "Malee Srisuk",
        "email": "malee@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post("/accounts/signup/", {**data, **extra})


def test_sign_up_asks_to_accept_the_published_terms_and_records_the_version_accepted(client):
    terms = _terms()
    services.edit_page(
        page=terms, slug="terms", kind="terms", title_th="ข้อตกลง", body_th="ฉบับ 2", is_published=True
    )
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="accept_terms"' in page and 'name="terms_version" value="2"' in page
    assert 'href="/pages/terms/"' in page

    refused = _sign_up(client, terms_version="2")
    assert refused.status_code == 200 and "accept_terms" in refused.context["form"].errors
    assert not Member.objects.exists()

    assert _sign_up(client, terms_version="2", accept_terms="on").status_code == 302
    member = Member.objects.get(email="malee@example.test")
    (accepted,) = TermsAcceptance.objects.filter(member=member)
    assert accepted.version_number == 2 and accepted.version.body_th == "ฉบับ 2"


def test_terms_changed_during_sign_up_must_be_accepted_again(client):
    terms = _terms()
    client.get("/accounts/signup/")  # version 1 shown
    services.edit_page(
        page=terms, slug="terms", kind="terms", title_th="ข้อตกลง", body_th="ฉบับ 2", is_published=True
    )
    response = _sign_up(client, terms_version="1", accept_terms="on")
    assert response.status_code == 200 and not Member.objects.exists()
    assert "เวอร์ชัน 2" in str(response.context["form"].non_field_errors())
    assert 'name="terms_version" value="2"' in response.content.decode()


def test_without_published_terms_sign_up_asks_nothing_more(client):
    _terms(is_published=False)
    form = client.get("/accounts/signup/").context["form"]
    assert list(form.fields) == ["name", "email", "password1", "password2"]
    assert _sign_up(client).status_code == 302 and not TermsAcceptance.objects.exists()


def test_the_accepted_version_is_declared_personal_data_handled_by_export_withdrawal_and_the_policy(
    client, member
):
    version = _terms().current
    services.record_terms_acceptance(member=member, version=version)
    declared = {d.field: d for d in registry.declarations_for("pages.TermsAcceptance")}
    assert set(declared) == {"version_number", "accepted_at"}
    assert all(d.retention == "contract" for d in declared.values())
    assert "pages.TermsAcceptance" in registry.owned_models()
    assert registry.member_rows("pages.TermsAcceptance", member).get().version_number == 1
    assert "pages.TermsAcceptance" not in withdrawal.unhandled_models()
    assert "pages.TermsAcceptance" in withdrawal.kept_document(member, now=version.created_at)["records"]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "terms of service version accepted" in client.get("/privacy/").content.decode().lower()


def test_the_demo_has_terms_an_faq_and_a_guide_in_three_languages_loaded_once(client):
    assert load_demo_pages(by=None) == 3
    assert load_demo_pages(by=None) == 0
    for page in Page.objects.select_related("current"):
        assert page.is_published and all(getattr(page.current, f"body_{lang}") for lang in ("th", "en", "ko"))
        assert client.get(f"/pages/{page.slug}/").status_code == 200
    assert selectors.published_terms().page.slug == "terms"
