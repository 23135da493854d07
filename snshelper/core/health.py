"""Health of the parts the site needs: the database and the job queue."""

from django.db import connection
from huey.contrib.djhuey import HUEY


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to answer is "down"; the reason is reported
        return f"down: {type(error).__name__}"
    return "ok"


def queue_state(huey=None) -> tuple[str, int | None]:
    """The queue's state and how many jobs wait in it."""
    huey = huey or HUEY
    try:
        return "ok", huey.pending_count()
    except Exception as error:
        return f"down: {type(error).__name__}", None
