"""Who needs a second factor, whether this session has given it, and the setup QR code.

Administrators always need one (GB/T 22239-2019 8.1.4.1 d)); anyone else who switched it on
gives it at every sign-in."""

from base64 import b32encode

import segno
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.identity.models import User
from qinkuaiban.identity.selectors import admin_role_of


def has_confirmed_device(user: User) -> bool:
    """True when the user has a confirmed authenticator app; cached on the user object."""
    cached: bool | None = getattr(user, "_qkb_has_totp", None)
    if cached is None:
        cached = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        user._qkb_has_totp = cached  # type: ignore[attr-defined]
    return cached


def otp_required(user: User) -> bool:
    """Administrators (and Django superusers, who can do anything) always; others once they
    have switched it on."""
    return (admin_role_of(user) is not None or user.is_superuser
            or has_confirmed_device(user))


def otp_satisfied(request: HttpRequest) -> bool:
    """True when this session was verified with one of the user's confirmed devices."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, title: str) -> SafeString:
    """The otpauth:// URL as an inline SVG QR code, drawn here (no outside service sees it)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title=title, svgclass="otp-qr"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup, built from our own URL


def match_second_factor(user: User, token: str) -> tuple[Device | None, bool]:
    """The device that accepts `token` (six digits: the app; otherwise a backup code), and
    whether the device refused to check because of its own throttling."""
    if token.isdigit() and len(token) == 6:
        candidates: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    throttled = False
    for device in candidates:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified, False
    return None, throttled
