"""A local fake of the Telegram Bot API, the Zalo OA API and a webhook receiver, on 127.0.0.1.

Import the `channel_server` fixture with `from tests.channel_support import channel_server  # noqa: F401`.
`stop()` makes the channels unreachable (an outage); `status` makes them answer an HTTP error."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ops_support import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        data = self.json
        return data.get("text") or data.get("message", {}).get("text") or data.get("subject", "")


class ChannelServer:
    def __init__(self):
        self.port = free_port()
        self.received: list[Received] = []
        self.status = 200
        self.zalo_error = 0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if fake.status == 200:
                    with fake.lock:
                        fake.received.append(Received(self.path, dict(self.headers), body))
                answer = {"error": fake.zalo_error, "message": "Success"} if "/oa/" in self.path else {"ok": True}
                payload = json.dumps(answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def to(self, path_part: str) -> list[Received]:
        return [item for item in self.received if path_part in item.path]


@pytest.fixture
def channel_server(app):
    fake = ChannelServer()
    fake.start()
    app.config.update(IR_TELEGRAM_BOT_TOKEN="123:test-token", IR_TELEGRAM_API_BASE=fake.url,
                      IR_ZALO_OA_ACCESS_TOKEN="zalo-test-token", IR_ZALO_API_BASE=fake.url,
                      IR_BASE_URL="https://attt.example.vn")
    yield fake
    fake.stop()
