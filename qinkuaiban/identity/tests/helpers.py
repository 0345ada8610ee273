"""Small helpers shared by the identity tests."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.identity.models import User


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows right now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def totp_device_for(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def audit_entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))
