"""Writes of the pages: staff create and edit them (each change of text is a new version), and a
new member's acceptance of the terms of service is recorded."""

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.errors import DomainError
from snshelper.pages import selectors
from snshelper.pages.models import Page, PageVersion, TermsAcceptance

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TEXT_FIELDS = ("title_th", "title_en", "title_ko", "body_th", "body_en", "body_ko")


class PageRefused(DomainError):
    message = _("This page cannot be saved.")


class ThaiTextMissing(PageRefused):
    message = _("Write the Thai title and text: Thai is shown to everybody whose language is missing.")


class AddressTaken(PageRefused):
    message = _("Another page already has this address. Choose another one.")


class AddressInvalid(PageRefused):
    message = _("Write the address with small letters, digits and hyphens only, e.g. how-to-order.")


class SecondTermsPage(PageRefused):
    message = _(
        "There is already a terms of service page. Edit it instead: each change of its text becomes a "
        "new version."
    )


class UnknownKind(PageRefused):
    message = _("Choose the kind of page: terms of service, FAQ, how-to guide or other.")


def _texts(values: dict) -> dict[str, str]:
    return {field: (values.get(field) or "").strip() for field in TEXT_FIELDS}


def _check(*, kind: str, texts: dict[str, str]) -> None:
    if kind not in Page.Kind.values:
        raise UnknownKind
    if not texts["title_th"] or not texts["body_th"]:
        raise ThaiTextMissing


def _save(page: Page) -> None:
    if not SLUG.fullmatch(page.slug):
        raise AddressInvalid
    others = Page.objects.exclude(pk=page.pk)
    if others.filter(slug=page.slug).exists():
        raise AddressTaken
    if page.kind == Page.Kind.TERMS and others.filter(kind=Page.Kind.TERMS).exists():
        raise SecondTermsPage
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError as clash:  # another save won the race for the address or the terms
        raise PageRefused from clash


def _new_version(page: Page, texts: dict[str, str], by) -> PageVersion:
    number = (page.current.number if page.current else 0) + 1
    version = PageVersion.objects.create(page=page, number=number, by=by, created_at=clock.now(), **texts)
    page.current = version
    page.save(update_fields=["current"])
    return version


@transaction.atomic
def create_page(
    *,
    slug: str,
    kind: str,
    title_th: str,
    body_th: str,
    title_en: str = "",
    body_en: str = "",
    title_ko: str = "",
    body_ko: str = "",
    sort_order: int = 0,
    in_footer: bool = True,
    is_published: bool = False,
    by=None,
) -> Page:
    """A new page and its version 1."""
    texts = _texts(locals())
    _check(kind=kind, texts=texts)
    page = Page(slug=slug, kind=kind, sort_order=sort_order, in_footer=in_footer, is_published=is_published)
    _save(page)
    _new_version(page, texts, by)
    transaction.on_commit(selectors.forget_footer)
    return page


@transaction.atomic
def edit_page(
    *,
    page: Page,
    slug: str,
    kind: str,
    title_th: str,
    body_th: str,
    title_en: str = "",
    body_en: str = "",
    title_ko: str = "",
    body_ko: str = "",
    sort_order: int = 0,
    in_footer: bool = True,
    is_published: bool = False,
    by=None,
) -> Page:
    """Change a page's settings and text. A change of text (any language) makes a new version; the
    earlier ones stay as they were (the terms a member accepted)."""
    texts = _texts(locals())
    _check(kind=kind, texts=texts)
    page = Page.objects.select_for_update().get(pk=page.pk)
    page.slug, page.kind, page.sort_order = slug, kind, sort_order
    page.in_footer, page.is_published = in_footer, is_published
    _save(page)
    current = page.current
    if current is None or any(getattr(current, field) != value for field, value in texts.items()):
        _new_version(page, texts, by)
    transaction.on_commit(selectors.forget_footer)
    return page


def record_terms_acceptance(*, member, version: PageVersion) -> TermsAcceptance:
    """Record that ``member`` accepted this version of the terms of service (at sign-up)."""
    return TermsAcceptance.objects.create(
        member=member, version=version, version_number=version.number, accepted_at=clock.now()
    )
