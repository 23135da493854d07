from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock


class MaintenanceSwitch(models.Model):
    """Maintenance mode switched on (or its message changed) or off: who, when, how and what
    visitors were told. The rows are the log, kept; the newest one is the site's state now."""

    class Via(models.TextChoices):
        BACK_OFFICE = "back_office", _("back office")
        COMMAND = "command", _("command line")

    is_on = models.BooleanField(_("on"))
    message_th = models.TextField(_("message (Thai)"), blank=True)
    message_en = models.TextField(_("message (English)"), blank=True)
    message_ko = models.TextField(_("message (Korean)"), blank=True)
    ends_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(_("switched from"), max_length=16, choices=Via.choices)
    at = models.DateTimeField(_("switched at"), default=clock.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("maintenance switch")
        verbose_name_plural = _("maintenance switches")

    def __str__(self):
        return f"{'on' if self.is_on else 'off'} at {self.at:%Y-%m-%d %H:%M}"
