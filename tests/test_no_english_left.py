"""Issue 17: a Thai or Korean reader meets no English on any page.

Every page of the URL tree is opened (GET) by everybody who may open it (a visitor, the demo member,
and each staff role) in Thai and in Korean, on the demo's data plus a few objects the demo lacks;
a few forms are also sent with mistakes so their errors show. The text a person sees (text nodes
outside scripts and styles, and the alt / title / aria-label / placeholder attributes and button
values) must hold no run of two or more English words, except what ``ALLOWED`` declares: brand
names, protocol strings, codes, and data people typed (each with its reason).

A second test proves the walk is real: every URL name either rendered a page for somebody, or
answered only POST (405), or is declared in ``NOT_PAGES`` with what it answers instead.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django.urls import resolve
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from snshelper.accounts import services as account_services
from snshelper.accounts.models import Member
from snshelper.api import services as api_services
from snshelper.api.models import ApiKey
from snshelper.catalog.models import Category, Platform, Service
from snshelper.core import clock
from snshelper.core.models import RateCounter
from snshelper.demo import load as demo
from snshelper.orders import services as order_services
from snshelper.orders.models import Order
from snshelper.pages.models import Page
from snshelper.privacy import holds
from snshelper.privacy.models import (
    BreachIncident,
    DataExport,
    DataSubjectRequest,
    Disclosure,
    PolicyVersion,
    PrivacyInquiry,
)
from snshelper.privacy_rights import disclosures
from snshelper.privacy_rights.breaches import services as breaches
from snshelper.privacy_rights.export import services as export_services
from snshelper.providers.models import Provider, ProviderService
from snshelper.staff import access, roles
from snshelper.staff import services as staff_services
from snshelper.support.models import Attachment, CannedReply, Consultation
from snshelper.wallet import services as wallet_services
from snshelper.wallet.models import TopUp, Withdrawal
from snshelper.web.models import Announcement
from tests.conftest import FAST_PASSWORD_HASHERS, sign_in, totp_code

pytestmark = pytest.mark.django_db  # also makes the session set up the test database the walk uses

LANGUAGES = ["th", "ko"]
VISITOR, MEMBER = "visitor", "member"
PRINCIPALS = [VISITOR, MEMBER, *roles.ROLES]

# --- What a person sees ------------------------------------------------------------------------------

# Not read as text: scripts and styles; code (API samples, JSON, keys: spelled as the protocol spells
# them); and what a form field holds (typed by somebody, like an input's value).
_HIDDEN = {"script", "style", "noscript", "pre", "code", "kbd", "samp", "textarea"}
# Text on both sides of these tags reads as one sentence; any other tag starts a new piece of text.
_INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span"}
_INLINE |= {"strong", "sub", "sup", "time", "u", "var", "data", "wbr"}
_SEEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class _Visible(HTMLParser):
    """Pieces of text a person reads or hears: text outside scripts and styles, split at block
    boundaries, plus the attributes a browser shows or reads out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._current: list[str] = []
        self._hidden = 0

    def _break(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.pieces.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _HIDDEN:
            self._hidden += 1
        if tag not in _INLINE:
            self._break()
        for name in _SEEN_ATTRIBUTES:
            if attributes.get(name):
                self.pieces.append(attributes[name])
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button", "reset")
            and attributes.get("value")
        ):
            self.pieces.append(attributes["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        if tag not in _INLINE:
            self._break()

    def handle_data(self, data):
        if not self._hidden:
            self._current.append(data)

    def close(self):
        super().close()
        self._break()


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.pieces


# --- English words, and what may stay in English ----------------------------------------------------------

_WORD = r"(?<![A-Za-z0-9_])[A-Za-z]+(?:['’][A-Za-z]+)*(?![A-Za-z0-9_])"
# Two or more English words in a row (words with only spaces or light punctuation between them), or
# a number and an English word ("14 minutes").
_RUN = re.compile(rf"(?:{_WORD}|(?<![A-Za-z0-9_.,])\d[\d,.]*)(?:[\s,:;&/()\"'“”‘’.!?-]+{_WORD})+")


@dataclass(frozen=True)
class Allowed:
    pattern: str  # a regular expression, matched case-sensitively anywhere in a piece of text
    reason: str
    pages: tuple[str, ...] = ()  # URL names where it holds; everywhere when empty


_B, _E = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"  # word edges (Thai and Korean letters are not)
ALLOWED = [
    Allowed(rf"{_B}SNS Helper(?: Co\., Ltd\.)?", "the product's and the company's names"),
    Allowed(r"X \(Twitter\)", "a platform's name, as the platform writes it"),
    Allowed(
        rf"{_B}(?:LINE(?: Official Account)?|PromptPay|Instagram|TikTok|YouTube|Facebook|X|Google){_E}",
        "brand names (platforms, LINE's and Thailand's payment products)",
    ),
    Allowed(
        rf"{_B}(?:Microsoft Edge|Samsung Internet|Safari|Chrome|Firefox|iPhone|iPad|Mac|Android){_E}",
        "web browsers' and devices' names (the policy's cookie instructions)",
        pages=("privacy:policy", "privacy:version"),
    ),
    Allowed(rf"{_B}[a-z0-9]+(?:-[a-z0-9]+)+{_E}", "a page's address as typed (how-to-order): a code"),
    Allowed(rf"{_B}[A-Z]{{1,3}}-[A-Z0-9]{{4,}}{_E}", "reference codes (SH-…, C-…, TU-…), random capitals"),
    Allowed(rf"{_B}[A-Z][A-Z0-9]{{1,5}}s?{_E}", "acronyms and codes in capitals (QR, API, THB, TOTP)"),
    Allowed(rf"{_B}v[12]{_E}", "API versions (API v2)"),
    Allowed(r"[\w.+*•…-]+@[\w-]+(?:\.[\w-]+)+", "email addresses, whole or masked"),
    Allowed(
        r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*|(?<![\w/])/[\w./-]+/",
        "web addresses and our paths",
    ),
    Allowed(rf"@?{_B}[a-z0-9_]+(?:\.[a-z0-9_]+)+{_E}", "usernames and host names (somchai.shop)"),
    Allowed(
        rf"{_B}[a-z_]+\.[A-Z][A-Za-z]+(?:\.[a-z_]+)?{_E}",
        "the privacy registry's keys (orders.Order.link): codes",
    ),
    Allowed(rf"{_B}[A-Z][a-z]+(?:-[A-Z][a-z]+)+{_E}", "HTTP header names (Idempotency-Key, Retry-After)"),
    Allowed(rf"{_B}[\w-]+/[\w.-]+\.[a-z0-9]{{2,4}}{_E}", "file names as stored (slips/….png)"),
    Allowed(r"\{[^{}]*\}", "JSON values as held (a notice's parameters)", pages=("privacy_member:export",)),
    Allowed(
        rf"{_B}(?:Pending|In progress|Processing|Completed|Partial|Canceled|Rejected|Custom Comments){_E}",
        "API v2 status and service type names, quoted as the protocol spells them",
        pages=("api_v1:docs",),
    ),
]


def english_runs(piece: str, data: list[tuple[str, str]], page: str = "") -> list[str]:
    """The runs of two or more English words in a piece of text (of the page named ``page``), once
    allowed phrases and the data people typed (``(where, text)``: text typed data shows on pages
    whose URL name starts with ``where``) are taken out."""
    for where, text in data:
        if page.startswith(where):
            piece = piece.replace(text, " | ")
    for allowed in ALLOWED:
        if not allowed.pages or page in allowed.pages:
            piece = re.sub(allowed.pattern, " | ", piece)
    return [run.group() for run in _RUN.finditer(piece)]


@dataclass(frozen=True)
class Typed:
    """Data people typed, read from the database: shown as typed, in whatever language it was typed."""

    reason: str
    texts: object  # a callable giving the texts
    where: str = ""  # the URL names (their start) of the pages that may show it; "" for every page


TYPED_DATA = [
    Typed(
        "names people gave themselves (the demo's staff are named in English)",
        lambda: Member.objects.values_list("name", flat=True),
    ),
    Typed("a provider's name, as staff typed it", lambda: Provider.objects.values_list("name", flat=True)),
    Typed(
        "the provider's own catalogue (its service and category names and types)",
        lambda: [
            text for row in ProviderService.objects.values_list("name", "category", "type") for text in row
        ],
        where="providers_staff:",
    ),
    Typed(
        "canned replies' titles, as support typed them",
        lambda: CannedReply.objects.values_list("title", flat=True),
        where="support_staff:",
    ),
    Typed(
        "the catalogue's English names and descriptions, in their own columns and fields of the admin",
        lambda: [
            text
            for model in (Platform, Category, Service)
            for field in ("name_en", *(("description_en",) if model is Service else ()))
            for text in model.objects.values_list(field, flat=True)
        ],
        where="admin:",
    ),
    Typed(
        "the privacy officer's name, as the operator set it (PRIVACY_OFFICER_NAME)",
        lambda: [settings.PRIVACY_OFFICER_NAME],
    ),
    # Ledger memos are a code and parameters (wallet/memos.py), shown in the reader's language:
    # no exception for them.
]


def typed_data() -> list[tuple[str, str]]:
    found = {
        (typed.where, str(text))
        for typed in TYPED_DATA
        for text in typed.texts()
        if text and str(text).strip()
    }
    return sorted(found, key=lambda item: len(item[1]), reverse=True)  # the longest first


# --- The walk: every page, as everybody who may open it ------------------------------------------------


@dataclass(frozen=True)
class Seen:
    language: str
    principal: str
    name: str  # the URL name (the route for an unnamed one)
    path: str
    status: int
    pieces: tuple[str, ...] = ()


def _fill(route: str, values: dict) -> str:
    path = route
    for key, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    return "/" + path


def _each(queryset, **fields):
    """A sample filler: one path per object, ``fields`` mapping a route parameter to an attribute."""

    def paths(route: str, who) -> list[str]:
        rows = queryset(who) if callable(queryset) else queryset.all()
        return [_fill(route, {key: getattr(row, attr) for key, attr in fields.items()}) for row in rows]

    return paths


def _own(model, **fields):
    """The viewer's own objects (staff own none of the demo's: their member pages show none)."""
    return _each(lambda who: model.objects.filter(member=who).order_by("pk"), **fields)


def _every(model, **fields):
    return _each(lambda who: model.objects.order_by("pk"), **fields)


def _consultation_attachments(who):
    return Attachment.objects.filter(message__consultation__member=who).order_by("pk")


def _fixed(*paths):
    return lambda route, who: list(paths)


def _admin_app_lists(route, who) -> list[str]:
    return [f"/admin/{label}/" for label in sorted({model._meta.app_label for model in admin.site._registry})]


# Routes with parameters: the objects their pages are read with. A parameterised route missing here
# is opened with placeholders (access.sample_path), which a page with an object answers 404: the
# coverage test then names it.
SAMPLES = {
    "admin:app_list": _admin_app_lists,
    "account_confirm_email": _fixed("/accounts/confirm-email/not-a-real-key/"),
    "account_reset_password_from_key": _fixed("/accounts/password/reset/key/1-not-a-real-key/"),
    "privacy:version": _every(PolicyVersion, number="number"),
    "privacy_member:export": _each(lambda who: DataExport.objects.filter(request__member=who), token="token"),
    "privacy_member:export_download": _each(
        lambda who: DataExport.objects.filter(request__member=who), token="token"
    ),
    "privacy_staff:request": _every(DataSubjectRequest, pk="pk"),
    "privacy_staff:inquiry": _every(PrivacyInquiry, pk="pk"),
    "privacy_staff:disclosure": _every(Disclosure, pk="pk"),
    "privacy_staff:disclosure_bundle": _every(Disclosure, pk="pk"),
    "privacy_staff:breaches:detail": _every(BreachIncident, pk="pk"),
    "orders:detail": _own(Order, pk="pk"),
    "pages:page": _every(Page, slug="slug"),
    "catalog:service": _each(lambda who: Service.objects.filter(is_active=True).order_by("pk"), pk="pk"),
    "wallet:top_up": _own(TopUp, reference="reference"),
    "wallet:staff_withdrawal": _every(Withdrawal, pk="pk"),
    "wallet:staff_slip": _each(lambda who: TopUp.objects.exclude(slip=""), pk="pk"),
    "providers_staff:detail": _every(Provider, pk="pk"),
    "providers_staff:edit": _every(Provider, pk="pk"),
    "providers_staff:map": _every(Provider, pk="pk"),
    "support:detail": _own(Consultation, number="number"),
    "support:attachment": _each(_consultation_attachments, pk="pk"),
    "support_staff:detail": _every(Consultation, number="number"),
    "support_staff:attachment": _every(Attachment, pk="pk"),
    "support_staff:canned_edit": _every(CannedReply, pk="pk"),
    "announcements_staff:edit": _every(Announcement, pk="pk"),
    "staff:hand_over_new": _each(
        lambda who: Member.objects.filter(is_staff=True).exclude(pk=getattr(who, "pk", None)),
        member_id="member_id",
    ),
    "api:edit": _own(ApiKey, pk="pk"),
    "api:rotate": _own(ApiKey, pk="pk"),
    "api:revoke": _own(ApiKey, pk="pk"),
}


def _paths(url, who) -> list[str]:
    if url.name in ("line_login", "line_callback"):
        return []
    if url.name in SAMPLES:
        return SAMPLES[url.name](url.route, who)
    if url.route.startswith("admin/") and "<path:object_id>" in url.route:
        return _admin_object_pages(url.name, url.route)
    if "(?P<" in url.route or "^" in url.route:
        return []  # the admin's catch-all and the JSON API's root: regular expressions, not pages
    return [access.sample_path(url.route)]


def _admin_object_pages(name: str, route: str) -> list[str]:
    """The admin's pages of one object (the first) of a registered model."""
    match = re.match(r"^admin:(?P<app>[a-z0-9]+)_(?P<model>[a-z0-9]+)_(?:change|delete|history)$", name or "")
    if match is None:
        return []
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (match["app"], match["model"]):
            first = model._default_manager.order_by("pk").first()
            return [_fill(route, {"object_id": first.pk})] if first is not None else []
    return []


# Forms sent, most with mistakes, so the errors and the pages after them are read too:
# (who, path, data). The page answered (after its redirects) is read.
SIGN_UP = {"name": "มานี มีนา", "email": "new@example.test"}
FORMS = [
    (VISITOR, "/accounts/signup/", {**SIGN_UP, "password1": "short", "password2": "short"}),
    (VISITOR, "/accounts/signup/", {**SIGN_UP, "password1": "12345678901", "password2": "1"}),
    (VISITOR, "/accounts/signup/", {**SIGN_UP, "password1": "password123", "password2": ""}),
    (VISITOR, "/accounts/signup/", {**SIGN_UP, "password1": "new@example.test", "password2": ""}),
    (
        VISITOR,
        "/accounts/signup/",
        {**SIGN_UP, "password1": "a-long-new-pass-77", "password2": "a-long-new-pass-77"},
    ),
    (VISITOR, "/accounts/login/", {"login": "member@demo.test", "password": "not the password"}),
    (VISITOR, "/accounts/password/reset/", {"email": "not an address"}),
    (VISITOR, "/accounts/password/reset/", {"email": "member@demo.test"}),
    (MEMBER, "/accounts/password/change/", {"oldpassword": "wrong", "password1": "short", "password2": "x"}),
    (MEMBER, "/accounts/email/", {"action_add": "", "email": "member@demo.test"}),
]
# URL names that are not pages, or pages the walk cannot reach, and what they answer instead. (Pages
# that need a step first are opened with that step taken: see _prepare and _journeys.)
NOT_PAGES = {
    "healthz": "the health check, in JSON",
    "api:v2": "API v2, in JSON (GET is answered like POST, decision 0013); its page is /api/docs/",
    "line_qr": "the LINE QR code, an SVG image",
    "line_login": "a redirect to LINE's sign-in (not opened: needs LINE Login configured)",
    "line_callback": "LINE's answer; it redirects (not opened: needs LINE Login configured)",
    "socialaccount_signup": "the second step of a sign-up with LINE: needs a LINE sign-in in progress",
    "account_confirm_login_code": "sign-in by mailed code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "mfa_download_recovery_codes": "a text file",
    "privacy_member:export_download": "the export file, JSON",
    "wallet:staff_slip": "a slip image",
    "support:attachment": "an attached file",
    "support_staff:attachment": "an attached file",
    "privacy_staff:disclosure_bundle": "the disclosure bundle, a file",
    "admin:jsi18n": "the admin's JavaScript catalogue",
}
PASSWORDLESS = "line-member@demo.test"  # signed up with LINE: no password
JSON_API = "api_v1:api_v1_ninja:"  # the JSON API answers JSON; its page is /api/docs/


def _seen(language, principal, name, path, response) -> Seen:
    pieces = ()
    if response["Content-Type"].startswith("text/html") and not name.startswith(JSON_API):
        pieces = tuple(visible_text(response.content.decode()))
    return Seen(language, principal, name, path, response.status_code, pieces)


def _name(path: str) -> str:
    match = resolve(path.split("?")[0])
    return match.view_name if match.url_name else match.route


def _sign_in(client, account, see) -> None:
    """The real sign-in, reading the two-factor step on the way for staff."""
    response = client.post("/accounts/login/", {"login": account.email, "password": demo.DEMO_PASSWORD})
    if account.totp_secret:
        see(response["Location"])
        client.post(response["Location"], {"code": totp_code(account.totp_secret)})
    assert client.get("/dashboard/").status_code == 200, account.email


def _prepare(client, see) -> None:
    """The member has just confirmed their password (pages that change security settings ask) and
    their identity (the privacy pages ask), reading the pages of both steps."""
    see("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": demo.DEMO_PASSWORD})
    mail.outbox.clear()
    see("/account/privacy/verify/", {"action": "send"})
    (code,) = re.findall(r"\b\d{6}\b", mail.outbox[-1].body)
    client.post("/account/privacy/verify/", {"password": demo.DEMO_PASSWORD, "code": code})


def _journeys(client, see) -> None:
    """The member sets up an authenticator app, reads the pages of two-factor sign-in once it is on,
    and turns it off again."""
    see("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    see("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    for path in (
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
    ):
        see(path)
    see("/accounts/2fa/totp/deactivate/", {})
    assert not Authenticator.objects.filter(user__email=demo.DEMO_MEMBER[0]).exists()


def _walk(language: str, principal: str, account) -> list[Seen]:
    cache.clear()  # rate limits and used TOTP codes start afresh
    RateCounter.objects.all().delete()  # (the limits' counters without Redis)
    client = Client(raise_request_exception=False)  # a file that is not a page may fail: see NOT_PAGES
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen: list[Seen] = []

    def see(path, data=None):
        """Open (or send) and read the page answered, after its redirects."""
        response = client.get(path, follow=True) if data is None else client.post(path, data, follow=True)
        final = response.request["PATH_INFO"]
        seen.append(_seen(language, principal, _name(final), final, response))

    who = None
    if account is not None:
        _sign_in(client, account, see)
        who = Member.objects.get(email=account.email)
    if principal == MEMBER:
        _prepare(client, see)
    for url in access.all_urls():
        for path in _paths(url, who):
            response = client.get(path)
            seen.append(_seen(language, principal, url.name or url.route, path, response))
    for sent_by, path, data in FORMS:
        if sent_by == principal:
            see(path, data)
    if principal == MEMBER:
        _journeys(client, see)
    if principal == VISITOR:  # a member who signed up with LINE has no password to confirm
        client.force_login(Member.objects.get(email=PASSWORDLESS))
        see("/accounts/password/set/")
        see("/account/privacy/verify/")
    return seen


def _extras(accounts) -> None:
    """What the demo does not make but pages show: a withdrawal, an API key, an export, a breach, a
    disclosure, a training record, a legal hold, an order a provider reported on, and a member who
    signed up with LINE."""
    member = Member.objects.get(email=demo.DEMO_MEMBER[0])
    officer = Member.objects.get(email=accounts[roles.PRIVACY_OFFICER].email)
    administrator = Member.objects.get(email=accounts[roles.ADMINISTRATOR].email)
    wallet_services.save_refund_account(
        member=member, bank_name="KBANK", account_holder="สมชาย ใจดี", account_number="123-4-56789-0"
    )
    wallet_services.request_withdrawal(
        member=member, amount=Decimal("100"), idempotency_key="no-english-left"
    )
    api_services.create_key(member=member, name="แผงของฉัน")
    export_services.prepare(export_services.request_view(member=member).export)
    now = clock.now()
    breaches.record_incident(
        by=officer,
        title="ส่งอีเมลผิดคน",
        found_at=now,
        what_happened="อีเมลแจ้งคำสั่งซื้อถูกส่งไปยังผู้รับผิดคน",
        categories=["contact"],
        member_ids=[member.member_id],
    )
    disclosures.record_disclosure(
        by=officer,
        recipient="สำนักงานตำรวจแห่งชาติ",
        legal_basis="หมายเรียกตามประมวลกฎหมายวิธีพิจารณาความอาญา มาตรา 132",
        fields=["accounts.Member.email"],
        member_ids=[member.member_id],
        disclosed_at=now,
    )
    staff_services.record_training(
        staff=Member.objects.get(email=accounts[roles.MARKETING].email),
        held_on=timezone.localdate(now),
        topic="การคุ้มครองข้อมูลส่วนบุคคล",
        hours=Decimal("2"),
        by=administrator,
    )
    holds.place_hold(member=member, reason="คดีความที่ยังไม่สิ้นสุด", by=officer)
    forwarded = Order.objects.filter(member=member, service__fulfilment="provider").order_by("pk").first()
    order_services.apply_provider_statuses(
        [order_services.StatusUpdate(forwarded.pk, "In progress", start_count=120)]
    )
    account_services.register_member(email=PASSWORDLESS, name="สมหญิง รักดี", password=None, verified=True)


@dataclass(frozen=True)
class Walk:
    pages: list[Seen]
    typed: list[tuple[str, str]]  # the data people typed: (where it shows, text)


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker, tmp_path_factory) -> Walk:
    """Every page read in Thai and Korean by everybody, on the demo's data (rolled back after)."""
    quick = override_settings(
        PASSWORD_HASHERS=FAST_PASSWORD_HASHERS,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    name = str(connection.settings_dict["NAME"])
    assert "memory" in name or name.startswith("test_"), f"{name} is not a test database"
    with django_db_blocker.unblock(), quick, transaction.atomic():
        HUEY.immediate = True
        with TestCase.captureOnCommitCallbacks(execute=True):
            accounts = {account.role: account for account in demo.load_demo()}
            _extras(accounts)
        pages = [
            page
            for language in LANGUAGES
            for principal in PRINCIPALS
            for page in _walk(language, principal, accounts.get(principal))
        ]
        typed = typed_data()
        transaction.set_rollback(True)
    cache.clear()
    clock.release()
    return Walk(pages, typed)


# --- The tests ---------------------------------------------------------------------------------------


def _findings(walk: Walk, language: str, principal: str) -> list[str]:
    found = {}
    for page in walk.pages:
        if (page.language, page.principal) != (language, principal):
            continue
        for piece in page.pieces:
            for run in english_runs(piece, walk.typed, page.name):
                found.setdefault(run, page.path)
    return [f"{path}: {run!r}" for run, path in sorted(found.items(), key=lambda item: item[1])]


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english_words_to_a_thai_or_korean_reader(walk, language, principal):
    assert _findings(walk, language, principal) == []


def test_the_walk_reads_every_page_of_the_url_tree(walk):
    """Every named URL rendered a page for somebody, answered only POST, or is declared not a page
    (the JSON API's addresses, and staff addresses the access matrix opens to nobody, are not)."""
    read = {page.name for page in walk.pages if page.pieces and page.status in (200, 401)}
    post_only = {page.name for page in walk.pages if page.status == 405}
    closed = {name for name, allowed in access.matrix().items() if not allowed}
    names = {url.name for url in access.all_urls() if url.name and not url.name.startswith(JSON_API)}
    missing = sorted(names - read - post_only - closed - set(NOT_PAGES))
    assert missing == []
    assert len(read) >= 120  # staff, member and visitor pages, and the admin's
    assert set(NOT_PAGES) <= names and not set(NOT_PAGES) & read  # no stale declaration


def test_the_english_detector_finds_runs_and_spares_what_is_allowed():
    assert english_runs("ยอดเงิน Provider status ของคุณ", []) == ["Provider status"]
    assert english_runs("ล่าสุด 14 minutes", []) == ["14 minutes"]
    assert english_runs("ยอด Provider", []) == []  # one word alone: a name, not prose
    assert english_runs("ชำระผ่าน PromptPay QR ได้ทันที", []) == []
    assert english_runs("SNS Helper · Instagram, TikTok, YouTube, X (Twitter)", []) == []
    assert english_runs("อีเมล member@demo.test ที่ https://www.instagram.com/somchai.shop/", []) == []
    typed = [("providers_staff:", "Demo provider (simulator)")]
    assert english_runs("ผู้ให้บริการ Demo provider (simulator)", typed, "providers_staff:detail") == []
    assert (
        english_runs("ผู้ให้บริการ Demo provider (simulator)", typed, "orders:detail") != []
    )  # shown elsewhere: prose
    assert english_runs("รหัส SH-569DD1T1, C-DEZZEGFG และ API v2", []) == []
    pieces = visible_text(
        '<p>สวัสดี <a href="/x" class="big button">Read more</a></p><script>var a = "no no"</script>'
        '<img alt="Our logo" src="/logo.png"><input type="submit" value="Send it"><input value="typed text">'
    )
    assert pieces == ["สวัสดี Read more", "Our logo", "Send it"]


@pytest.mark.parametrize("language", ["th", "en", "ko"])
def test_a_forms_hidden_key_has_no_label_in_any_language(client, member, language):
    """The withdrawal form's idempotency key is a hidden field: no stray "Idempotency key" label."""
    sign_in(client, member.email)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/wallet/withdraw/").content.decode()
    assert 'type="hidden" name="idempotency_key"' in html
    assert "dempotency" not in " ".join(visible_text(html))
