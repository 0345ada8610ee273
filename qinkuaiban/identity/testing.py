"""Test helpers other apps use to sign in the way the session policy demands."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.identity.models import User


def login_verified(client: Client, user: User) -> TOTPDevice:
    """Log `user` in as if they had given both factors (administrators need it on every page):
    a confirmed authenticator device is created if missing and marked verified in the session."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
