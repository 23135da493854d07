"""``manage.py check --deploy`` says where rate limits are counted, and why that is enough."""

from django.conf import settings
from django.core import checks


@checks.register("ratelimit", deploy=True)
def rate_limit_store(app_configs=None, **kwargs):
    if settings.REDIS_URL:
        text = (
            "Rate limits are counted in Redis (REDIS_URL): one atomic script per request. While "
            "Redis does not answer, a right API key is served (logged) and a wrong one gets 503."
        )
    else:
        text = (
            "Rate limits are counted in the database (no REDIS_URL): one atomic INSERT ... ON "
            "CONFLICT statement per request, exact on SQLite and PostgreSQL and shared by every "
            "web process that uses this database, so the limits hold without Redis. Set REDIS_URL "
            "to take that write off the database under heavy API traffic."
        )
    return [checks.Info(text, id="core.I001")]
