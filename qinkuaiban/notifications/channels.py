"""How one delivery is carried by its channel. Each sender returns the provider's reference or
raises: `DeliveryRejected` when retrying cannot help, any other exception when it may."""

import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from qinkuaiban.notifications import sms
from qinkuaiban.notifications.models import Channel, Delivery

SMS_BODY_CHARS = 200


class DeliveryRejected(Exception):
    """The provider refused this message for good."""


def message_id_for(delivery: Delivery) -> str:
    """An RFC 5322 Message-ID fixed by the idempotency key, the same from every worker host."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "qinkuaiban.local"
    return f"<{delivery.idempotency_key}.notification@{domain}>"


def absolute_url(path: str) -> str:
    """The link for use outside the site (e-mail), when the public address is configured."""
    base = getattr(settings, "QKB_SITE_URL", "").rstrip("/")
    if not path or not base:
        return ""
    return f"{base}{path}" if path.startswith("/") else path


def send_email(delivery: Delivery) -> str:
    message = delivery.message
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("notifications/email/message.txt", {
            "message": message,
            "recipient": message.recipient,
            "link": absolute_url(message.url),
            "platform_name": settings.QKB_PLATFORM_NAME,
        })
    message_id = message_id_for(delivery)
    email = EmailMessage(
        subject=" ".join(message.title.split()),
        body=body,
        to=[delivery.address],
        headers={"Message-ID": message_id, "X-Qkb-Idempotency-Key": delivery.idempotency_key},
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        # 5xx from the server is final (no such mailbox); 4xx is worth another attempt.
        if all(code >= 500 for code, _msg in exc.recipients.values()):
            raise DeliveryRejected(str(exc.recipients)) from exc
        raise
    return message_id


def sms_text(delivery: Delivery) -> str:
    message = delivery.message
    body = Truncator(" ".join(message.body.split())).chars(SMS_BODY_CHARS)
    if not body:
        return message.title
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(title)s: %(body)s") % {"title": message.title, "body": body}


def send_sms(delivery: Delivery) -> str:
    try:
        return sms.get_sms_backend().send(
            mobile=delivery.address, text=sms_text(delivery),
            idempotency_key=delivery.idempotency_key,
        )
    except sms.SmsRejected as exc:
        raise DeliveryRejected(str(exc)) from exc


SENDERS: dict[str, Callable[[Delivery], str]] = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
}
