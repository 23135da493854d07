"""Work of the privacy desk that staff hold (``snshelper.staff.open_work``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from snshelper.privacy.models import DataSubjectRequest
from snshelper.staff import open_work

open_work.declare(
    "privacy.DataSubjectRequest",
    holder="handled_by",
    open=Q(status=DataSubjectRequest.Status.OPEN),
    label=_("Data-subject requests"),
)
