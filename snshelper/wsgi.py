"""WSGI entry point, served by granian (see scripts/serve)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snshelper.settings")
application = get_wsgi_application()

if os.environ.get("SNSHELPER_WORKER_IN_PROCESS") == "1":
    from snshelper.core import inprocess_worker

    inprocess_worker.start()
