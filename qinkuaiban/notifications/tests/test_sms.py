import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from qinkuaiban.notifications.sms import (
    ConsoleSmsBackend,
    HttpGatewaySmsBackend,
    InMemorySmsBackend,
    SmsError,
    SmsRejected,
    get_sms_backend,
)


class FakeGateway(BaseHTTPRequestHandler):
    """Answers with the status in `respond_with`; remembers every request it saw."""

    requests: list[dict[str, Any]] = []
    respond_with = 200
    delay = 0.0

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        FakeGateway.requests.append({
            "headers": dict(self.headers), "body": json.loads(self.rfile.read(length)),
        })
        time.sleep(FakeGateway.delay)
        # A client that timed out has hung up; answering it then is no error of the gateway.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(FakeGateway.respond_with)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": "gw-42"}).encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def gateway_url() -> Iterator[str]:
    FakeGateway.requests, FakeGateway.respond_with, FakeGateway.delay = [], 200, 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_json_with_the_token_and_the_idempotency_key(
    gateway_url: str,
) -> None:
    backend = HttpGatewaySmsBackend(url=gateway_url, token="gw-token")

    reference = backend.send(mobile="13800000001", text="您的申请已受理", idempotency_key="k1")

    [request] = FakeGateway.requests
    assert reference == "gw-42"
    assert request["body"] == {"mobile": "13800000001", "content": "您的申请已受理",
                               "idempotency_key": "k1"}
    assert request["headers"]["Authorization"] == "Bearer gw-token"
    assert request["headers"]["Idempotency-Key"] == "k1"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_server_error_from_the_gateway_is_worth_retrying(gateway_url: str, status: int) -> None:
    FakeGateway.respond_with = status

    with pytest.raises(SmsError) as raised:
        HttpGatewaySmsBackend(url=gateway_url, token="t").send(
            mobile="13800000001", text="x", idempotency_key="k")

    assert not isinstance(raised.value, SmsRejected)


@pytest.mark.parametrize("status", [400, 401, 403, 422])
def test_a_client_error_from_the_gateway_is_final(gateway_url: str, status: int) -> None:
    FakeGateway.respond_with = status

    with pytest.raises(SmsRejected):
        HttpGatewaySmsBackend(url=gateway_url, token="t").send(
            mobile="13800000001", text="x", idempotency_key="k")


def test_a_slow_gateway_times_out_as_a_retryable_error(gateway_url: str) -> None:
    FakeGateway.delay = 1.0

    with pytest.raises(SmsError):
        HttpGatewaySmsBackend(url=gateway_url, token="t", timeout=0.2).send(
            mobile="13800000001", text="x", idempotency_key="k")


def test_an_unreachable_gateway_is_a_retryable_error() -> None:
    with pytest.raises(SmsError):
        HttpGatewaySmsBackend(url="http://127.0.0.1:9/sms", token="t", timeout=1).send(
            mobile="13800000001", text="x", idempotency_key="k")


def test_a_gateway_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(SmsRejected):
        HttpGatewaySmsBackend(url="file:///etc/passwd", token="t")


def test_the_console_backend_logs_the_text_and_a_masked_number(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="qinkuaiban.notifications.sms"):
        reference = ConsoleSmsBackend().send(mobile="13800000001", text="您好",
                                             idempotency_key="k9")

    assert reference == "console:k9"
    assert "138****0001" in caplog.text and "您好" in caplog.text
    assert "13800000001" not in caplog.text


def test_the_configured_backend_is_used(settings) -> None:
    settings.QKB_SMS_BACKEND = "qinkuaiban.notifications.sms.ConsoleSmsBackend"

    assert isinstance(get_sms_backend(), ConsoleSmsBackend)


def test_the_in_memory_gateway_delivers_a_repeated_key_once() -> None:
    backend = InMemorySmsBackend()

    backend.send(mobile="13800000001", text="x", idempotency_key="same")
    backend.send(mobile="13800000001", text="x", idempotency_key="same")

    assert InMemorySmsBackend.calls["same"] == 2
    assert len(InMemorySmsBackend.outbox) == 1


def test_an_http_gateway_without_an_address_fails_the_system_check(settings) -> None:
    from qinkuaiban.notifications.checks import check_sms_backend

    settings.QKB_SMS_BACKEND = "qinkuaiban.notifications.sms.HttpGatewaySmsBackend"
    settings.QKB_SMS_GATEWAY_URL = ""
    settings.QKB_SMS_GATEWAY_TOKEN = ""

    assert {m.id for m in check_sms_backend()} == {"notifications.E003", "notifications.W001"}


def test_the_default_console_backend_passes_the_system_check(settings) -> None:
    from qinkuaiban.notifications.checks import check_sms_backend

    settings.QKB_SMS_BACKEND = "qinkuaiban.notifications.sms.ConsoleSmsBackend"

    assert check_sms_backend() == []
