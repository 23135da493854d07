from django.core.management.base import BaseCommand

from snshelper.staff import access
from snshelper.staff.roles import ROLES


class Command(BaseCommand):
    help = (
        "Print the staff access matrix as the URL tree declares it: every staff URL and the roles "
        "that may open it (NOBODY: closed to everybody, or declared by nothing)."
    )

    def handle(self, **options):
        roles = list(ROLES)
        self.stdout.write("\t".join(["page", *roles]))
        for name, allowed in sorted(
            access.matrix().items(), key=lambda item: (item[0].startswith("admin"), item[0])
        ):
            if allowed is None:
                self.stdout.write(f"{name}\tNOBODY (nothing declares it)")
                continue
            marks = ["x" if role in allowed else "-" for role in roles]
            self.stdout.write("\t".join([name, *marks]))
