"""``manage.py publish_policy``: publish the policy as the settings make it now, from the command
line. It runs when the system check refuses to start the site (a setting no version promises):
that is when the privacy officer needs it.

    manage.py publish_policy --show
    manage.py publish_policy --by dpo@example.com --effective-on 2026-01-15 \\
        --reasons-th ... --reasons-en ... --reasons-ko ... --summary-th ... --summary-en ... --summary-ko ...
    manage.py publish_policy --record-settings   # a version published before versions recorded them
"""

from datetime import date, datetime, time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from snshelper.accounts import selectors as account_selectors
from snshelper.core.errors import DomainError
from snshelper.privacy_rights.policy import versions

PERMISSION = "staff.handle_privacy_requests"


class Command(BaseCommand):
    help = "Publish a new version of the privacy policy (members are told), or show what would change."
    requires_system_checks = []  # the check this answers would stop it otherwise

    def add_arguments(self, parser):
        parser.add_argument(
            "--show", action="store_true", help="list the settings that changed; publish nothing"
        )
        parser.add_argument(
            "--record-settings",
            action="store_true",
            help="record the settings in force into a version published before versions recorded them",
        )
        parser.add_argument("--by", help="the privacy officer's email address")
        parser.add_argument("--effective-on", type=date.fromisoformat, help="YYYY-MM-DD (local midnight)")
        for code, _name in settings.LANGUAGES:
            parser.add_argument(f"--reasons-{code}", default="")
            parser.add_argument(f"--summary-{code}", default="")

    def handle(self, *args, show=False, record_settings=False, by=None, effective_on=None, **options):
        if record_settings:
            version = self._do(versions.record_settings)
            self.stdout.write(f"Version {version.number} now records the settings in force.")
            return
        differences = versions.unpublished_differences()
        for difference in differences:
            self.stdout.write(f"{difference.named}: {difference.published!r} -> {difference.running!r}")
        if show:
            if not differences:
                self.stdout.write("The settings are those of the latest version.")
            return
        officer = account_selectors.member_by_email(by or "")
        if officer is None or not officer.is_active or not officer.has_perm(PERMISSION):
            raise CommandError("--by must be the email address of a privacy officer's account.")
        if effective_on is None:
            raise CommandError(
                f"--effective-on is needed: at least {settings.POLICY_NOTICE_DAYS} days ahead."
            )
        version = self._do(
            versions.publish,
            by=officer,
            effective_at=timezone.make_aware(datetime.combine(effective_on, time.min)),
            reasons={code: options[f"reasons_{code}"] for code, _name in settings.LANGUAGES},
            summary={code: options[f"summary_{code}"] for code, _name in settings.LANGUAGES},
        )
        self.stdout.write(f"Version {version.number} is published; it takes effect on {effective_on}.")

    def _do(self, service, **kwargs):
        try:
            return service(**kwargs)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
