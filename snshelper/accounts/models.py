import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from snshelper.core import clock
from snshelper.core.encryption import EncryptedTextField

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out on the phone.
MEMBER_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MEMBER_ID_LENGTH = 8


def new_member_id() -> str:
    """A short public member ID, e.g. ``SH-7K3Q9X2P``; never the database key."""
    return "SH-" + "".join(secrets.choice(MEMBER_ID_ALPHABET) for _ in range(MEMBER_ID_LENGTH))


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A member needs an email address.")
        member = self.model(email=self.normalize_email(email).lower(), **fields)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Member(AbstractBaseUser, PermissionsMixin):
    """A customer, reseller or staff member. Collects only what the policy lists."""

    member_id = models.CharField(
        _("member ID"), max_length=16, unique=True, default=new_member_id, editable=False
    )
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    phone = EncryptedTextField(_("phone number"), blank=True, default="")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=clock.now)
    # Set when the member leaves (privacy.withdrawal): the row stays, anonymised, because orders
    # and the ledger point at it; staff pages leave such rows out.
    withdrawn_at = models.DateTimeField(_("withdrew"), null=True, blank=True, editable=False)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.member_id

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class LoginRecord(models.Model):
    """One sign-in attempt: written only by ``services.record_sign_in``. Kept 6 months."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Signed in")
        FAILED = "failed", _("Wrong email or password")
        LOCKED_OUT = "locked_out", _("Refused: too many failed attempts")

    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_records"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=512, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    created_at = models.DateTimeField(_("time"), default=clock.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("login record")
        verbose_name_plural = _("login records")
        indexes = [models.Index(fields=["member", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_result_display()}"


def member_display(member) -> str:
    """How allauth's messages name a member ("Signed in as ...")."""
    return member.name or member.member_id
