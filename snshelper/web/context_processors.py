from django.conf import settings

from snshelper.web import popup, selectors


def site(request):
    """What every page shows: the business, the LINE button and the popup."""
    return {
        "site_name": settings.SITE_NAME,
        "line_url": settings.LINE_OFFICIAL_ACCOUNT_URL,
        "popup_announcement": selectors.popup_announcement(dismissed_up_to=popup.dismissed_up_to(request)),
    }
