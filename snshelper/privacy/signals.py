"""Events of the privacy kernel (docs/architecture.md)."""

from django.dispatch import Signal

# Rows holding personal data were deleted or anonymised (a sweep, a withdrawal), on commit:
# ``tables`` names their tables. The kernel's receiver queues a targeted VACUUM (PostgreSQL).
personal_data_removed = Signal()
