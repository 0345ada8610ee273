"""SMS backends. The platform talks to one gateway (usually the government SMS platform, 政务短信
平台) through `QKB_SMS_BACKEND`; every send carries the delivery's idempotency key so the gateway
can drop a repeat of a message it has already accepted."""

import json
import logging
import threading
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from qinkuaiban.core.validators import mask_mobile

logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT_SECONDS = 10


class SmsError(Exception):
    """The gateway did not accept the message this time; sending again may succeed."""


class SmsRejected(SmsError):
    """The gateway refused the message for good (bad number, bad credentials); do not retry."""


class BaseSmsBackend(ABC):
    """Send one text to one mainland mobile number; return the gateway's reference."""

    @abstractmethod
    def send(self, *, mobile: str, text: str, idempotency_key: str) -> str: ...


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each text to the log instead of sending it (development and demos)."""

    def send(self, *, mobile: str, text: str, idempotency_key: str) -> str:
        # A log is read by more people than the number's owner: the number is masked.
        logger.info("SMS to %s [%s]: %s", mask_mobile(mobile), idempotency_key, text)
        return f"console:{idempotency_key}"


class HttpGatewaySmsBackend(BaseSmsBackend):
    """POSTs JSON to `QKB_SMS_GATEWAY_URL` with a bearer token and an `Idempotency-Key` header."""

    def __init__(self, *, url: str | None = None, token: str | None = None,
                 timeout: float = GATEWAY_TIMEOUT_SECONDS) -> None:
        self.url = url if url is not None else settings.QKB_SMS_GATEWAY_URL
        self.token = token if token is not None else settings.QKB_SMS_GATEWAY_TOKEN
        self.timeout = timeout
        if not self.url.startswith(("https://", "http://")):
            raise SmsRejected("QKB_SMS_GATEWAY_URL must be an http(s) URL")

    def send(self, *, mobile: str, text: str, idempotency_key: str) -> str:
        payload = json.dumps(
            {"mobile": mobile, "content": text, "idempotency_key": idempotency_key},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url, data=payload, method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code} from SMS gateway: {exc.read(500).decode(errors='replace')}"
            # 4xx other than timeout/conflict/rate limit means this message will never pass.
            if 400 <= exc.code < 500 and exc.code not in (408, 409, 425, 429):
                raise SmsRejected(detail) from exc
            raise SmsError(detail) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"SMS gateway unreachable: {exc}") from exc
        return _reference_from(body)


def _reference_from(body: bytes) -> str:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return ""
    if isinstance(data, dict):
        return str(data.get("id") or data.get("message_id") or "")[:200]
    return ""


@dataclass
class SentSms:
    mobile: str
    text: str
    idempotency_key: str


class InMemorySmsBackend(BaseSmsBackend):
    """A test double that behaves like a gateway honouring idempotency keys: it counts every
    call per key, delivers each key once, and can be told to fail the next calls."""

    outbox: list[SentSms] = []
    calls: Counter[str] = Counter()
    failures_to_simulate: int = 0
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.outbox = []
            cls.calls = Counter()
            cls.failures_to_simulate = 0

    @classmethod
    def fail_next(cls, count: int) -> None:
        cls.failures_to_simulate = count

    def send(self, *, mobile: str, text: str, idempotency_key: str) -> str:
        cls = type(self)
        with cls._lock:
            cls.calls[idempotency_key] += 1
            if cls.failures_to_simulate > 0:
                cls.failures_to_simulate -= 1
                raise SmsError("simulated gateway failure")
            if all(sms.idempotency_key != idempotency_key for sms in cls.outbox):
                cls.outbox.append(SentSms(mobile, text, idempotency_key))
        return f"memory:{idempotency_key}"


def get_sms_backend() -> BaseSmsBackend:
    """The configured backend, built fresh so a changed setting takes effect at once."""
    backend_class = import_string(settings.QKB_SMS_BACKEND)
    backend: BaseSmsBackend = backend_class()
    return backend
