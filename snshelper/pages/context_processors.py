from django.utils.functional import SimpleLazyObject

from snshelper.pages import selectors


def footer(request):
    """The pages linked from every page's footer (read only when the footer is drawn; cached)."""
    return {"footer_pages": SimpleLazyObject(selectors.footer_links)}
