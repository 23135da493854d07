from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control

from snshelper.core import qr


@cache_control(public=True, max_age=3600)
def line_qr(request):
    """The QR code of our LINE official account, for desktop visitors to scan with their phone."""
    return HttpResponse(qr.svg(settings.LINE_OFFICIAL_ACCOUNT_URL), content_type="image/svg+xml")
