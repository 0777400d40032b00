"""A real HTTP receiver on 127.0.0.1 (a threaded http.server), allowed as a webhook address
only through the WEBHOOKS_ALLOW_INSECURE_HOSTS setting, and an endpoint of `clinic` for it."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.services import endpoint_create

ALL_EVENTS = [value for value, _label in WebhookEvent.subscribable()]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the server got, and the statuses it answers next (then 200)."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    redirect_to: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks?source=rh"

    def next_answer(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.next_answer()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.redirect_to or "http://127.0.0.1:9/")
            reply = b"secret internal detail that must not be logged"
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_INSECURE_HOSTS = ["127.0.0.1"]
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint_and_secret(clinic, clinic_admin, receiver) -> tuple[WebhookEndpoint, str]:
    return endpoint_create(
        clinic=clinic, actor=clinic_admin, url=receiver.url, events=ALL_EVENTS, description="EHR"
    )


@pytest.fixture
def endpoint(endpoint_and_secret) -> WebhookEndpoint:
    return endpoint_and_secret[0]
