from django.utils.translation import gettext_lazy as _

from snshelper.core.errors import DomainError


class ConsultationError(DomainError):
    message = _("This consultation cannot be changed that way.")


class NotAllowedNow(ConsultationError):
    message = _("This consultation is not in a state that allows this.")


class ReopenTooLate(ConsultationError):
    message = _(
        "This consultation was closed more than %(days)s days ago and cannot be reopened. "
        "Please open a new consultation."
    )
