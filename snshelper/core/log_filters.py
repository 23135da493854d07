"""Log filters the settings' LOGGING uses."""

import logging


class OneLineForbidden(logging.Filter):
    """A refused page (403) is an expected answer, not a failure: one line, without the traceback
    Django attaches to ``PermissionDenied``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
