"""Events of the accounts app (see ``snshelper.core.events``)."""

from django.dispatch import Signal

# A member changed their own details (``fields``: the names changed, e.g. {"name", "phone"}); sent
# after the save, with ``member``. The privacy features check whether a withdrawn member returns.
profile_changed = Signal()
