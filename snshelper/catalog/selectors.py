"""Reads of the catalogue."""

import threading
import time
import uuid
from collections.abc import Sequence

from django.core.cache import cache
from django.db import transaction
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


# Orderable services by id, kept by each process for the order hot path (decision 0010): an
# order's service is read from here, not from the database. A change to a service, a category or
# a platform empties this process's copy at once and, on commit, the others' through a generation
# in the shared cache, which each process compares at most every GENERATION_CHECK_SECONDS.
GENERATION_KEY = "snshelper:catalog:generation"
GENERATION_CHECK_SECONDS = 1.0
_orderable: dict[int, Service] = {}
_seen = {"generation": None, "checked": 0.0}
_lock = threading.Lock()


def orderable_service(service_id: int | None) -> Service | None:
    """The service with this id if a member can order it now (None: no such service), with its
    category and platform. Shared by the threads of this process: read it, never change it."""
    if service_id is None:
        return None
    _check_generation()
    service = _orderable.get(service_id)
    if service is None:
        service = orderable_services().filter(pk=service_id).first()
        if service is not None and not transaction.get_connection().in_atomic_block:
            _orderable[service_id] = service  # only what is committed (a rolled-back change is not)
    return service


def _check_generation() -> None:
    now = time.monotonic()
    if now - _seen["checked"] < GENERATION_CHECK_SECONDS:
        return
    with _lock:
        generation = cache.get(GENERATION_KEY)
        if generation != _seen["generation"]:
            _orderable.clear()
            _seen["generation"] = generation
        _seen["checked"] = now


def forget_orderable_here() -> None:
    """This process forgets the services it keeps (the others keep theirs)."""
    _orderable.clear()


def forget_orderable() -> None:
    """The catalogue changed: this process forgets its services now and again on commit (a read
    in between saw the old rows), and the other processes on their next check."""
    _orderable.clear()

    def everywhere() -> None:
        _orderable.clear()
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)

    transaction.on_commit(everywhere)


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
