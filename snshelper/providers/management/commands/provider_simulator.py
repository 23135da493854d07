"""Run the provider simulator (an upstream API v2 panel with fault injection) in the foreground.

    uv run python manage.py provider_simulator --port 9100 --key demo-key \
        --faults '{"timeout": 0.02, "lost_add": {"probability": 0.05, "actions": ["add"]}}'

Point a provider at the printed URL and key. Ctrl-C (or SIGTERM) stops it cleanly.
"""

import json
import secrets
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from snshelper.providers.simulator import QUIRKS, ProviderSimulator, SimulatorConfigError


class Command(BaseCommand):
    help = "Run the API v2 provider simulator on 127.0.0.1 in the foreground (for the demo and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=9100, help="0 picks a free port")
        parser.add_argument("--key", default="", help="the API key it accepts (default: a new random one)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed meets the same faults")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
        parser.add_argument("--balance", default="100000", help="its starting balance")
        parser.add_argument(
            "--faults",
            default="{}",
            help='JSON: {"fault": probability} or {"fault": {"probability": p, "actions": ["add"]}}',
        )
        parser.add_argument(
            "--hang",
            type=float,
            default=30.0,
            help="seconds a timeout (or slow_add) keeps the client waiting",
        )
        parser.add_argument("--quirks", default="", help=f"comma-separated, some of: {', '.join(QUIRKS)}")
        parser.add_argument(
            "--ignore-idempotency",
            action="store_true",
            help="behave like a provider that ignores idempotency_key",
        )

    def handle(self, *, port, key, seed, currency, speed, balance, faults, hang, quirks, **options):
        try:
            faults = json.loads(faults)
        except ValueError as error:
            raise CommandError(f"--faults is not JSON: {error}") from None
        if not isinstance(faults, dict):
            raise CommandError('--faults is a JSON object, like {"timeout": 0.02}')
        key = key or secrets.token_urlsafe(18)
        try:
            simulator = ProviderSimulator(
                port=port,
                key=key,
                seed=seed,
                currency=currency,
                speed=speed,
                balance=balance,
                faults=faults,
                hang_seconds=hang,
                quirks=[q.strip() for q in quirks.split(",") if q.strip()],
                honor_idempotency=not options["ignore_idempotency"],
            )
        except SimulatorConfigError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot listen on 127.0.0.1:{port}: {error.strerror}") from None

        stopping = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stopping.set())
        simulator.start()
        self.stdout.write(f"Provider simulator (API v2) at {simulator.url}")
        self.stdout.write(f"Key: {key}")
        self.stdout.write(f"Control: {simulator.control_url}?key=<key>  (POST JSON to change it)")
        self.stdout.flush()
        try:
            stopping.wait()
        finally:
            simulator.stop()
            self.stdout.write("Provider simulator stopped.")
