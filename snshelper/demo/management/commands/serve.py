"""Serve the site with granian; with --with-worker, the job queue runs inside it too.

The embedded default (scripts/demo) uses --with-worker so one command runs everything. In
production run web processes (scripts/serve) and workers (scripts/worker) as separate services.
"""

import os

from django.core.management.base import BaseCommand

from snshelper.core.inprocess_worker import ENV_FLAG
from snshelper.demo import provider as demo


class Command(BaseCommand):
    help = "Serve SNS Helper with granian (optionally with the job worker in the same process)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="run the job queue's consumer (threads) in the web process; implies one web worker",
        )
        parser.add_argument(
            "--with-simulator",
            action="store_true",
            help="also serve the demo's provider simulator on 127.0.0.1:$SIMULATOR_PORT (8001)",
        )

    def handle(self, host, port, workers, with_worker, with_simulator, **options):
        from granian import Granian
        from granian.constants import Interfaces

        if with_simulator:
            simulator = demo.simulator().start()
            self.stdout.write(f"Demo provider simulator at {simulator.url}")

        if with_worker:
            os.environ[ENV_FLAG] = "1"
            workers = 1
        self.stdout.write(f"Serving SNS Helper at http://{host}:{port}/")
        # Threads for blocking Python work: at most 2 per core + 1 (granian's own advice, so it
        # starts without a warning), and no more requests taken in than threads to run them.
        threads = min(8, 2 * (os.cpu_count() or 1) + 1)
        Granian(
            "snshelper.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=threads,
            backpressure=threads,
        ).serve()
