"""Pages staff write (issue 18): terms of service, FAQ, how-to guides. Each change of a page's text
is a new version (versions are never edited), so the terms a member accepted stay on record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock

LANGUAGES = ("th", "en", "ko")


class Page(models.Model):
    class Kind(models.TextChoices):
        TERMS = "terms", _("Terms of service")
        FAQ = "faq", _("Frequently asked questions")
        GUIDE = "guide", _("How-to guide")
        OTHER = "other", _("Other page")

    slug = models.SlugField(
        _("page address"),
        max_length=80,
        unique=True,
        help_text=_(
            "The page is at /pages/<address>/: small letters, digits and hyphens, e.g. how-to-order."
        ),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.OTHER)
    sort_order = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Pages are listed in the footer from the lowest number.")
    )
    in_footer = models.BooleanField(_("linked from the footer"), default=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished pages are seen only by staff.")
    )
    # The newest version (its text is what the page shows); set by services.save_page.
    current = models.ForeignKey(
        "PageVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="terms"), name="one_terms_page"),
        ]

    def __str__(self):
        return self.slug


class PageVersion(models.Model):
    """One version of a page's text, in th / en / ko (a language left empty falls back to Thai)."""

    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    body_th = models.TextField(_("text (Thai)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    body_ko = models.TextField(_("text (Korean)"), blank=True)
    created_at = models.DateTimeField(default=clock.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["page", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="one_number_per_page_version")]

    def __str__(self):
        return f"{self.page.slug} v{self.number}"

    def language(self, language: str | None = None) -> str:
        """The language this version is read in: the visitor's when its text is written, else Thai."""
        language = (language or get_language() or "th")[:2]
        return language if language in LANGUAGES and getattr(self, f"body_{language}") else "th"

    def title_in(self, language: str | None = None) -> str:
        """The title in the language the text is read in (a title alone does not switch language)."""
        return getattr(self, f"title_{self.language(language)}") or self.title_th

    @property
    def title(self) -> str:
        return self.title_in()

    @property
    def body(self) -> str:
        return getattr(self, f"body_{self.language()}")


class TermsAcceptance(models.Model):
    """The version of the terms of service a member accepted (at sign-up)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    version = models.ForeignKey(PageVersion, on_delete=models.PROTECT, related_name="acceptances")
    # The number the member saw ("version 3"); the version row keeps the text they accepted.
    version_number = models.PositiveIntegerField(_("terms of service version accepted"))
    accepted_at = models.DateTimeField(_("terms of service accepted at"), default=clock.now)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("acceptance of the terms of service")
        verbose_name_plural = _("acceptances of the terms of service")

    def __str__(self):
        return f"terms v{self.version_number}"
