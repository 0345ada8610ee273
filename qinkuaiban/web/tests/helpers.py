"""Signing in a member of the cast the way the session policy expects."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.identity.models import User
from qinkuaiban.identity.selectors import admin_role_of


def sign_in(client: Client, user: User) -> Client:
    """Log `user` in; an administrator also passes two-factor (a confirmed authenticator)."""
    client.force_login(user)
    if admin_role_of(user) is not None:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test authenticator", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
