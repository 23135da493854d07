"""A local stand-in for the LINE Messaging API's push endpoint, on 127.0.0.1: it records every push
it is sent (who to, the text, the retry key), answers as LINE does (200 ``{"sentMessages": ...}``,
409 for a retry key it already accepted, 401 without the bearer token), and can be told to fail
the next pushes. Tests and the demo point ``LINE_API_BASE_URL`` at it; nothing leaves the machine.

    manage.py line_recorder --port 8089     # prints each push it receives
"""

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUSH_PATH = "/v2/bot/message/push"


@dataclass
class Push:
    to: str
    texts: list[str]
    retry_key: str
    authorization: str


@dataclass
class LineRecorder:
    host: str = "127.0.0.1"
    port: int = 0
    pushes: list[Push] = field(default_factory=list)
    fail_next: int = 0  # the next this many pushes answer 500 and are not recorded
    on_push: object = None  # called with each recorded Push (the management command prints it)

    def start(self) -> "LineRecorder":
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the recorder is the log
                pass

            def _answer(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != PUSH_PATH:
                    return self._answer(404, {"message": "Not found"})
                authorization = self.headers.get("Authorization", "")
                if not authorization.startswith("Bearer ") or len(authorization) <= len("Bearer "):
                    return self._answer(401, {"message": "Authentication failed"})
                retry_key = self.headers.get("X-Line-Retry-Key", "")
                with recorder._lock:
                    if recorder.fail_next > 0:
                        recorder.fail_next -= 1
                        return self._answer(500, {"message": "Internal server error"})
                    if retry_key and any(p.retry_key == retry_key for p in recorder.pushes):
                        return self._answer(
                            409,
                            {"message": "The retry key is already accepted"},
                            {"X-Line-Accepted-Request-Id": retry_key},
                        )
                    try:
                        body = json.loads(raw)
                        push = Push(
                            to=body["to"],
                            texts=[m.get("text", "") for m in body["messages"]],
                            retry_key=retry_key,
                            authorization=authorization,
                        )
                    except (ValueError, KeyError, TypeError):
                        return self._answer(400, {"message": "The request body has 1 error(s)"})
                    recorder.pushes.append(push)
                if recorder.on_push:
                    recorder.on_push(push)
                sent = [
                    {"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in push.texts
                ]
                return self._answer(200, {"sentMessages": sent}, {"X-Line-Request-Id": str(uuid.uuid4())})

        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
