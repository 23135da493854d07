"""Events of the wallet (see ``snshelper.core.events``)."""

from django.dispatch import Signal

# A member's refund bank account changed (``account``, ``fields``: the names that changed); sent
# after the save. The privacy features tell earlier recipients of a disclosed field (P11).
refund_account_changed = Signal()
