from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from snshelper.core import health


class HealthQuery(forms.Form):
    """``?strict=1`` (or ``true``, ``yes``): a monitor asks for 503 when background work is late."""

    strict = forms.CharField(required=False)

    def strict_asked(self) -> bool:
        return self.is_valid() and self.cleaned_data["strict"].lower() in ("1", "true", "yes")


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the queue answer, 503 otherwise (for load balancers).

    ``status`` is "degraded" when background work is late (a watched job has not finished a run,
    or the worker has not been seen, for longer than ``HEALTH_MAX_JOB_AGE_MINUTES``): still 200,
    so a load balancer keeps the site in service, but 503 with ``?strict=1`` (for monitors)."""
    database = health.database_state()
    queue, pending = health.queue_state()
    healthy = database == "ok" and queue == "ok"
    background = health.background_state() if database == "ok" else None
    degraded = background is None or background.degraded
    strict = HealthQuery(request.GET).strict_asked()
    status = "down" if not healthy else "degraded" if degraded else "ok"
    return JsonResponse(
        {
            "status": status,
            "database": database,
            "queue": queue,
            "queue_pending": pending,
            "worker_last_seen": cache.get(health.HEARTBEAT_KEY),
            "jobs": {
                job.name: {
                    "last_success": job.last_success.isoformat() if job.last_success else None,
                    "overdue": job.overdue,
                }
                for job in (background.jobs if background else [])
            },
            "overdue": background.overdue if background else [],
            "max_job_age_minutes": settings.HEALTH_MAX_JOB_AGE_MINUTES,
        },
        status=503 if not healthy or (strict and degraded) else 200,
    )
