from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from snshelper.privacy import versions


def policy_notice(request):
    """The notice of a policy change for the page's banner: looked up (one query) only when a page
    shows it."""
    return {"policy_notice": SimpleLazyObject(lambda: versions.banner_for(request.user, get_language()))}
