"""Reads of the pages: one page to show, the footer's links, the published terms, the staff list."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language

from snshelper.pages.models import LANGUAGES, Page, PageVersion

FOOTER_CACHE_SECONDS = 300  # written pages change rarely; every save forgets the cached links


@dataclass(frozen=True)
class FooterLink:
    slug: str
    title: str


def _footer_key(language: str) -> str:
    return f"pages:footer:{language}"


def footer_links(language: str | None = None) -> list[FooterLink]:
    """The published pages linked from the footer, in order, titled in ``language`` when they are
    written in it (else in Thai).
    Cached: every page of the site shows them."""
    language = (language or get_language() or "th")[:2]
    links = cache.get(_footer_key(language))
    if links is None:
        pages = Page.objects.filter(is_published=True, in_footer=True, current__isnull=False).select_related(
            "current"
        )
        links = [FooterLink(page.slug, page.current.title_in(language)) for page in pages]
        cache.set(_footer_key(language), links, FOOTER_CACHE_SECONDS)
    return links


def forget_footer() -> None:
    cache.delete_many([_footer_key(language) for language in LANGUAGES])


def page_to_show(*, slug: str, drafts: bool = False) -> Page | None:
    """The page at ``slug`` with its current version: published ones, and drafts too for staff."""
    pages = Page.objects.filter(slug=slug, current__isnull=False).select_related("current")
    if not drafts:
        pages = pages.filter(is_published=True)
    return pages.first()


def published_terms() -> PageVersion | None:
    """The terms of service a new member accepts: the current version of the published terms page."""
    page = Page.objects.filter(kind=Page.Kind.TERMS, is_published=True).select_related("current").first()
    if page is None or page.current is None:
        return None
    page.current.page = page  # the version's page, without asking the database again
    return page.current


def staff_pages() -> QuerySet[Page]:
    return Page.objects.select_related("current", "current__by")


def versions(page: Page) -> QuerySet[PageVersion]:
    return page.versions.select_related("by").order_by("-number")
