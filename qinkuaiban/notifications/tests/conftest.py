"""Fixtures of the notifications tests: tasks run in-process, SMS go to the in-memory gateway,
e-mail to Django's test outbox (set by pytest-django)."""

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from qinkuaiban.identity.models import User
from qinkuaiban.notifications.sms import InMemorySmsBackend


@pytest.fixture(autouse=True)
def immediate_tasks(settings: Settings) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture(autouse=True)
def gateway(settings: Settings) -> Iterator[type[InMemorySmsBackend]]:
    settings.QKB_SMS_BACKEND = "qinkuaiban.notifications.sms.InMemorySmsBackend"
    InMemorySmsBackend.reset()
    yield InMemorySmsBackend
    InMemorySmsBackend.reset()


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Sign a user in; administrators also pass two-factor, as the session policy demands."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in
