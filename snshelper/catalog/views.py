"""The public price list (issue 18): every service on sale, searchable and filterable without
signing in, and one page per service. Its "order this" button leads to the order form, which asks
a visitor to sign in first and then opens with the service chosen."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from snshelper.catalog import selectors
from snshelper.core import parse
from snshelper.core.form_fields import ListForm

PER_PAGE = 50


class PriceListForm(ListForm):
    """The price list's search box, platform, category and page."""

    q = forms.CharField(required=False)
    platform = forms.CharField(required=False, strip=False)
    category = forms.CharField(required=False, strip=False)


def _category_id(value: str, platforms, platform: str) -> int | None:
    """The chosen category, if it exists on the chosen platform (else none: a stale choice left
    over from another platform must not empty the list)."""
    for candidate in platforms:
        if platform and candidate.code != platform:
            continue
        for category in candidate.on_sale_categories:
            if str(category.pk) == value:
                return category.pk
    return None


def price_list(request):
    platforms = selectors.price_list_platforms()
    asked = PriceListForm(request.GET)
    search = asked.value("q", "")
    platform = asked.value("platform", "")
    if platform not in {candidate.code for candidate in platforms}:
        platform = ""
    category_id = _category_id(asked.value("category", ""), platforms, platform)
    services = selectors.price_list(
        search=parse.search_words(search, most=selectors.MOST_SEARCH_WORDS),
        platform=platform,
        category_id=category_id,
    )
    page = Paginator(services, PER_PAGE).get_page(asked.value("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/price_list.html",
        {
            "page": page,
            "platforms": platforms,
            "q": search,
            "platform": platform,
            "category_id": category_id,
            "filtered": bool(search or platform or category_id),
            "query": query.urlencode(),
        },
    )


def service_detail(request, pk: int):
    service = selectors.orderable_service(pk)
    if service is None:
        raise Http404
    return render(request, "catalog/service.html", {"service": service})
