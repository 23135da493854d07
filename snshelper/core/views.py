from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from snshelper.core import health
from snshelper.core.tasks import HEARTBEAT_KEY


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the queue answer, 503 otherwise (for load balancers)."""
    database = health.database_state()
    queue, pending = health.queue_state()
    healthy = database == "ok" and queue == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "down",
            "database": database,
            "queue": queue,
            "queue_pending": pending,
            "worker_last_seen": cache.get(HEARTBEAT_KEY),
        },
        status=200 if healthy else 503,
    )
