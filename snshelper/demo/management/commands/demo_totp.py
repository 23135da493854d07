import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError

from snshelper.accounts import selectors
from snshelper.demo import load as demo


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("email", choices=[email for email, _, _ in demo.DEMO_STAFF])

    def handle(self, email, **options):
        member = selectors.member_by_email(email)
        if member is None:
            raise CommandError("Load the demo first: manage.py load_demo")
        secret = demo.totp_secret(member)
        self.stdout.write(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
