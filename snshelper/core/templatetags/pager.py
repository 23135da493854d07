"""``{% pager page %}``: Previous / Page n of m / Next links that keep the rest of the query string
(a list's filters and the other lists' pages), for a list paginated by Django's Paginator.

``{% pager page "refills_page" %}`` pages a second list on the same page by its own parameter.
"""

from django import template

register = template.Library()


@register.inclusion_tag("core/pager.html", takes_context=True)
def pager(context, page, param: str = "page"):
    request = context["request"]

    def address(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    return {
        "page": page,
        "previous": address(page.previous_page_number()) if page.has_previous() else "",
        "next": address(page.next_page_number()) if page.has_next() else "",
    }
