"""allauth hooks: our lockout message and login record, languages, and encrypted TOTP secrets."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from snshelper.accounts import selectors, services
from snshelper.accounts.models import LoginRecord
from snshelper.core import encryption


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts for this account. For your safety, sign-in is "
            "locked for 15 minutes. Try again later, or reset your password."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            member = selectors.member_by_email(credentials.get("email"))
            services.record_sign_in(request=request, member=member, result=LoginRecord.Result.LOCKED_OUT)
            raise

    def save_user(self, request, user, form, commit=True):
        # Mail and notices go out in the language the member signed up in.
        user.language = getattr(request, "LANGUAGE_CODE", user.language) or user.language
        user.name = form.cleaned_data.get("name", "").strip()
        return super().save_user(request, user, form, commit=commit)


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are encrypted with the field-encryption keys."""

    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)

    def build_totp_svg(self, url: str) -> str:
        """The QR code as bare <svg> markup, to be placed inline in the page."""
        svg = super().build_totp_svg(url)
        return svg[svg.index("<svg") :]
