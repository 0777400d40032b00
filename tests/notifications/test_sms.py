"""SMS backends: the HTTP adapter against a real local HTTP server, the file and console ones,
and the backend chosen by the SMS_BACKEND setting."""

import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications import sms
from notifications.outbox import PermanentFailure

TOKEN = "test-token-123"


class _Provider:
    """A real HTTP server on 127.0.0.1 that records each request and answers from a script."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, bytes]] = []
        self.delay = 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                provider.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                if provider.delay:
                    time.sleep(provider.delay)
                status, payload = provider.answers.pop(0)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, status: int, payload: dict | None = None) -> None:
        self.answers.append((status, json.dumps(payload or {}).encode()))


@pytest.fixture
def provider(settings):
    server = _Provider()
    server.thread.start()
    settings.SMS_BACKEND = "notifications.sms.HttpProviderBackend"
    settings.SMS_HTTP_URL = server.url
    settings.SMS_HTTP_TOKEN = TOKEN
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=5)


def test_http_backend_posts_json_with_bearer_token_and_returns_the_id(provider):
    provider.answer(200, {"id": "abc"})

    message_id = sms.get_backend().send("+15551234567", "Your check-in is due today.")

    assert message_id == "abc"
    [request] = provider.requests
    assert request["method"] == "POST"
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {
        "to": "+15551234567",
        "body": "Your check-in is due today.",
    }


def test_http_backend_4xx_is_a_permanent_failure(provider):
    provider.answer(400, {"error": "invalid number"})

    with pytest.raises(PermanentFailure, match="400"):
        sms.HttpProviderBackend().send("not-a-number", "Hello")
    assert len(provider.requests) == 1


def test_http_backend_5xx_is_transient(provider):
    provider.answer(503, {"error": "try later"})

    with pytest.raises(ConnectionError, match="503") as caught:
        sms.HttpProviderBackend().send("+15551234567", "Hello")
    assert not isinstance(caught.value, PermanentFailure)


def test_http_backend_rate_limit_is_transient(provider):
    provider.answer(429, {"error": "slow down"})

    with pytest.raises(ConnectionError, match="429"):
        sms.HttpProviderBackend().send("+15551234567", "Hello")


def test_http_backend_2xx_without_an_id_is_not_retried(provider):
    provider.answer(200, {"status": "queued"})

    with pytest.raises(PermanentFailure, match="without a message id"):
        sms.HttpProviderBackend().send("+15551234567", "Hello")


def test_http_backend_timeout_is_transient(provider, monkeypatch):
    monkeypatch.setattr(sms.HttpProviderBackend, "timeout", 0.2)
    provider.delay = 1.0
    provider.answer(200, {"id": "late"})

    with pytest.raises(ConnectionError):
        sms.HttpProviderBackend().send("+15551234567", "Hello")


def test_http_backend_closed_port_is_transient(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/v1/messages"
    settings.SMS_HTTP_TOKEN = TOKEN

    with pytest.raises(ConnectionError) as caught:
        sms.HttpProviderBackend().send("+15551234567", "Hello")
    assert not isinstance(caught.value, PermanentFailure)


def test_http_backend_needs_an_http_url(settings):
    settings.SMS_HTTP_URL = "file:///etc/passwd"

    with pytest.raises(ImproperlyConfigured):
        sms.HttpProviderBackend().send("+15551234567", "Hello")


def test_file_backend_appends_a_json_line(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "out" / "sms.log")

    first = sms.get_backend().send("+15551234567", "One")
    second = sms.get_backend().send("+15557654321", "Dos – ñ")

    lines = (tmp_path / "out" / "sms.log").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [first, second]
    assert json.loads(lines[1])["to"] == "+15557654321"
    assert json.loads(lines[1])["body"] == "Dos – ñ"


def test_console_backend_logs_the_text(settings, caplog):
    settings.SMS_BACKEND = "notifications.sms.ConsoleBackend"

    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        message_id = sms.get_backend().send("+15551234567", "Time for your check-in.")

    assert message_id.startswith("console-")
    assert "+15551234567" in caplog.text and "Time for your check-in." in caplog.text


def test_console_backend_is_the_default(settings):
    if hasattr(settings, "SMS_BACKEND"):
        del settings.SMS_BACKEND

    assert isinstance(sms.get_backend(), sms.ConsoleBackend)


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "notifications.sms.NoSuchBackend"

    with pytest.raises(ImproperlyConfigured):
        sms.get_backend()


def test_sms_text_length():
    assert sms.sms_text_ok("x" * sms.SMS_MAX_CHARS)
    assert not sms.sms_text_ok("x" * (sms.SMS_MAX_CHARS + 1))
