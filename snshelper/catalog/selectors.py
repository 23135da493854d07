"""Reads of the catalogue."""

from collections.abc import Sequence

from django.db.models import Prefetch, Q, QuerySet

from snshelper.catalog.models import Category, Platform, Service
from snshelper.core import parse

TRANSLATED = ("th", "en", "ko")
MOST_SEARCH_WORDS = 8  # a search is a few words; more are ignored, so no query grows without bound


def orderable_services() -> QuerySet[Service]:
    """Services a member can order now, in catalogue order."""
    return Service.objects.filter(is_active=True, category__platform__is_active=True).select_related(
        "category__platform"
    )


def orderable_service(service_id: int | None) -> Service | None:
    """The service with this id if a member can order it now (None: no such service)."""
    if service_id is None:
        return None
    return orderable_services().filter(pk=service_id).first()


def _word_matches(word: parse.Search) -> Q:
    """A service matches a word in its name, description, category or platform, in any language,
    or by its number ("#12" or "12")."""
    match = Q()
    for language in TRANSLATED:
        match |= (
            Q(**{f"name_{language}__icontains": word.text})
            | Q(**{f"description_{language}__icontains": word.text})
            | Q(**{f"category__name_{language}__icontains": word.text})
            | Q(**{f"category__platform__name_{language}__icontains": word.text})
        )
    if word.number is not None:
        match |= Q(pk=word.number)
    return match


def price_list(
    *, search: Sequence[parse.Search] = (), platform: str = "", category_id: int | None = None
) -> QuerySet[Service]:
    """The public price list: every service on sale (what ``orderable_services`` gives), in
    catalogue order, narrowed to a platform (its code), a category and the words of a search (each
    word must match). One query, whatever the number of services: platform and category come with
    each row."""
    services = orderable_services()
    if platform:
        services = services.filter(category__platform__code=platform)
    if category_id is not None:
        services = services.filter(category_id=category_id)
    for word in search[:MOST_SEARCH_WORDS]:
        services = services.filter(_word_matches(word))
    return services


def price_list_platforms() -> list[Platform]:
    """Platforms with something on sale, each with ``on_sale_categories`` (its categories with
    something on sale): the price list's filters. Two queries."""
    on_sale = Q(services__is_active=True)
    categories = Category.objects.filter(on_sale).distinct().order_by("sort_order", "id")
    return list(
        Platform.objects.filter(is_active=True, categories__services__is_active=True)
        .distinct()
        .order_by("sort_order", "code")
        .prefetch_related(Prefetch("categories", queryset=categories, to_attr="on_sale_categories"))
    )
