from django.conf import settings

from snshelper.web import popup, selectors


def site(request):
    """What every page shows: the business, the LINE button and the popup (only where it may show,
    see ``popup.may_show``)."""
    announcement = None
    if popup.may_show(request):
        announcement = selectors.popup_announcement(dismissed_up_to=popup.dismissed_up_to(request))
    return {
        "site_name": settings.SITE_NAME,
        "line_url": settings.LINE_OFFICIAL_ACCOUNT_URL,
        "popup_announcement": announcement,
    }
