from django.core.management.base import BaseCommand

from snshelper.demo.load import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo accounts and data (safe to run again)."

    def handle(self, **options):
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        self.stdout.write("Staff sign in with a TOTP code: add the secret to an authenticator app.")
        for account in accounts:
            line = f"  {account.email:<22} {account.role:<16} {account.member_id}"
            if account.totp_secret:
                line += f"  TOTP secret: {account.totp_secret}"
            self.stdout.write(line)
