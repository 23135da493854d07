"""Switch maintenance mode from the command line (the back office has the same switch):

    manage.py maintenance on [--message TEXT] [--message-en TEXT] [--message-ko TEXT]
                             [--until "YYYY-MM-DD HH:MM"] [--by EMAIL]
    manage.py maintenance off [--by EMAIL]
    manage.py maintenance status

A message not given is the default one in that language; --until is Bangkok time. Each switch is
logged with --by (a staff member) or as made from the command line."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from snshelper.core.errors import DomainError
from snshelper.maintenance import selectors, services

UNTIL_FORMAT = "%Y-%m-%d %H:%M"


class Command(BaseCommand):
    help = "Switch maintenance mode on or off, or say whether it is on."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["on", "off", "status"])
        parser.add_argument("--message", default="", help="the message in Thai (default: the standard one)")
        parser.add_argument("--message-en", default="", help="the message in English")
        parser.add_argument("--message-ko", default="", help="the message in Korean")
        parser.add_argument("--until", default="", help='expected end, Bangkok time: "YYYY-MM-DD HH:MM"')
        parser.add_argument("--by", default="", help="email of the staff member switching (for the log)")

    def handle(self, action, **options):
        if action == "status":
            self._status()
            return
        by = self._staff(options["by"])
        with translation.override("en"):  # the command speaks English, its refusals too
            self._switch(action, by, options)
        self._status()

    def _switch(self, action: str, by, options: dict) -> None:
        try:
            if action == "on":
                defaults = selectors.default_messages()
                services.switch_on(
                    message_th=options["message"] or defaults["th"],
                    message_en=options["message_en"] or defaults["en"],
                    message_ko=options["message_ko"] or defaults["ko"],
                    ends_at=self._until(options["until"]),
                    by=by,
                    via=services.Via.COMMAND,
                )
            else:
                services.switch_off(by=by, via=services.Via.COMMAND)
        except DomainError as error:
            raise CommandError(str(error.message)) from None

    def _staff(self, email: str):
        if not email:
            return None
        staff = get_user_model().objects.filter(email__iexact=email, is_staff=True, is_active=True).first()
        if staff is None:
            raise CommandError(f"No staff member with the email address {email}.")
        return staff

    def _until(self, text: str) -> datetime | None:
        if not text:
            return None
        try:
            return timezone.make_aware(datetime.strptime(text, UNTIL_FORMAT))  # the site's zone: Bangkok
        except ValueError:
            raise CommandError(f'--until must be written "YYYY-MM-DD HH:MM", not {text!r}.') from None

    def _status(self) -> None:
        selectors.forget()  # read the database, not what this process may have cached
        state = selectors.current()
        if not state.on:
            self.stdout.write("Maintenance mode is off: the site is open.")
            return
        since = timezone.localtime(state.since).strftime(UNTIL_FORMAT)
        end = timezone.localtime(state.ends_at).strftime(UNTIL_FORMAT) if state.ends_at else "not given"
        self.stdout.write(f"Maintenance mode is on since {since} (expected end: {end}).")
        self.stdout.write(f"Message (th): {state.messages['th']}")
