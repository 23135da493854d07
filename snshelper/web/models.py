from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock


class Announcement(models.Model):
    """News for every visitor (service news, price changes, maintenance), shown in the popup and on
    the updates page.

    Written per language; a language left empty falls back to Thai.
    """

    class Kind(models.TextChoices):
        SERVICE_NEWS = "service_news", _("Service news")
        PRICE_CHANGE = "price_change", _("Price change")
        MAINTENANCE = "maintenance", _("Maintenance")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SERVICE_NEWS)
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    body_th = models.TextField(_("text (Thai)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    body_ko = models.TextField(_("text (Korean)"), blank=True)
    published_at = models.DateTimeField(_("shown from"), default=clock.now)
    ends_at = models.DateTimeField(_("shown until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title_th

    def _in_language(self, stem: str) -> str:
        language = (get_language() or "th")[:2]
        return getattr(self, f"{stem}_{language}", "") or getattr(self, f"{stem}_th")

    @property
    def title(self) -> str:
        return self._in_language("title")

    @property
    def body(self) -> str:
        return self._in_language("body")


class PopupSeen(models.Model):
    """The newest announcement a signed-in member closed in the popup: it does not show again on
    any of their devices, nor do older ones (they stay on the updates page)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="popup_seen"
    )
    up_to = models.PositiveIntegerField(_("announcements seen up to"), default=0)

    class Meta:
        verbose_name = _("announcement popup seen")
        verbose_name_plural = _("announcement popups seen")

    def __str__(self):
        return str(self.up_to)
