from django.conf import settings

from snshelper.web import popup, selectors

ACCOUNT_FORMS = (
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/",
    "/accounts/2fa/",
    "/accounts/confirm-email/",
)


def site(request):
    """What every page shows: the business, the LINE button and the popup (but not over the
    sign-in, sign-up and other account forms, where it would stand in the way)."""
    announcement = None
    if not request.path.startswith(ACCOUNT_FORMS):
        announcement = selectors.popup_announcement(dismissed_up_to=popup.dismissed_up_to(request))
    return {
        "site_name": settings.SITE_NAME,
        "line_url": settings.LINE_OFFICIAL_ACCOUNT_URL,
        "popup_announcement": announcement,
    }
