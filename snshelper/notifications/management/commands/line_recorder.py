import time

from django.core.management.base import BaseCommand

from snshelper.notifications.line_recorder import LineRecorder


class Command(BaseCommand):
    help = (
        "Run a local stand-in for LINE's push endpoint on 127.0.0.1 that prints every push it gets "
        "(set LINE_API_BASE_URL to the address it shows and any LINE_CHANNEL_ACCESS_TOKEN)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8089)

    def handle(self, *args, port, **options):
        def show(push):
            self.stdout.write(f"push to {push.to}: " + " | ".join(t.replace("\n", " / ") for t in push.texts))

        recorder = LineRecorder(port=port, on_push=show).start()
        self.stdout.write(f"Recording LINE pushes at {recorder.base_url} (Ctrl+C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            recorder.stop()
