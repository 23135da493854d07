"""Events of the privacy features (see ``snshelper.core.events``); each is sent on commit."""

from django.dispatch import Signal

# A member's "view" export was asked for (``export_id``): the queue prepares its file.
export_requested = Signal()
# Notices of a new policy version were made (``version_id``): the queue sends them (P19).
policy_notices_made = Signal()
# Breach notices were made for an incident (``incident_id``): the queue sends them (P18).
breach_notices_made = Signal()
