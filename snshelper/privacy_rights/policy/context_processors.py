from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from snshelper.privacy_rights.breaches import services as breaches
from snshelper.privacy_rights.policy import versions


def policy_notice(request):
    """The notice of a policy change for the page's banner: looked up (one query) only when a page
    shows it. A signed-in member's unseen breach notices (P18) cost one more query, only for them."""
    user = getattr(request, "user", None)
    return {
        "policy_notice": SimpleLazyObject(lambda: versions.banner_for(request.user, get_language())),
        "breach_notices": SimpleLazyObject(lambda: breaches.unseen_notices(user)),
    }
