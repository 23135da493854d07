from django.db.models import Q

from snshelper.core import clock
from snshelper.web.models import Announcement


def popup_announcement(*, dismissed_up_to: int) -> Announcement | None:
    """The newest announcement showing now that the visitor has not chosen to hide."""
    now = clock.now()
    return (
        Announcement.objects.filter(is_active=True, published_at__lte=now, id__gt=dismissed_up_to)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-published_at", "-id")
        .first()
    )
