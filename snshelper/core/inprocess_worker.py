"""The embedded default's job worker: Huey's consumer as threads inside the web process.

It must start after the app server has forked its worker process (a queue connection or
lock inherited across fork deadlocks), so wsgi.py starts it when asked to by
``manage.py serve --with-worker``, which then runs exactly one web worker.
"""

import atexit
import logging

from django.utils.module_loading import autodiscover_modules

ENV_FLAG = "SNSHELPER_WORKER_IN_PROCESS"
logger = logging.getLogger(__name__)


def start() -> None:
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True)
    consumer.start()
    atexit.register(consumer.stop, graceful=True)
    logger.info("Job queue worker started in the web process (2 threads, periodic jobs on).")
