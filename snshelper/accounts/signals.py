"""Events of the accounts app (see ``snshelper.core.events``)."""

from django.dispatch import Signal

# A member's details changed (``fields``: the names that changed, e.g. {"phone"}); sent after the
# save, with ``member`` and ``by`` (the member on their own pages, or a staff member). The privacy
# features check whether a withdrawn member returns, and tell earlier recipients of a disclosed
# field of its correction (P11).
profile_changed = Signal()
