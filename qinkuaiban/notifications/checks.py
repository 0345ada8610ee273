"""Start-up checks: a misconfigured SMS gateway is reported by `manage.py check`, not found out
when the first text message is given up."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.utils.module_loading import import_string

from qinkuaiban.notifications.sms import BaseSmsBackend, HttpGatewaySmsBackend


@register()
def check_sms_backend(**kwargs: Any) -> list[CheckMessage]:
    try:
        backend = import_string(settings.QKB_SMS_BACKEND)
    except ImportError as exc:
        return [Error(f"QKB_SMS_BACKEND cannot be imported: {exc}", id="notifications.E001")]
    if not (isinstance(backend, type) and issubclass(backend, BaseSmsBackend)):
        return [Error("QKB_SMS_BACKEND must name a subclass of BaseSmsBackend",
                      id="notifications.E002")]
    if not issubclass(backend, HttpGatewaySmsBackend):
        return []
    problems: list[CheckMessage] = []
    if not settings.QKB_SMS_GATEWAY_URL.startswith(("https://", "http://")):
        problems.append(Error("QKB_SMS_GATEWAY_URL must be the http(s) address of the gateway",
                              id="notifications.E003"))
    if not settings.QKB_SMS_GATEWAY_TOKEN:
        problems.append(Warning("QKB_SMS_GATEWAY_TOKEN is empty; the gateway will likely "
                                "refuse every message", id="notifications.W001"))
    return problems
