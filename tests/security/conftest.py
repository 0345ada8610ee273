"""One world per test module: built once inside a transaction that is rolled back when the module
ends, while every test runs in its own savepoint (pytest-django's `db`), so a POST that changes
something in one test is gone before the next."""

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from qinkuaiban.web.tests.helpers import sign_in
from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def media_root() -> Iterator[Path]:
    """Uploads of this module land in a temporary MEDIA_ROOT the tests can inspect."""
    root = Path(tempfile.mkdtemp(prefix="qkb-security-media-"))
    with override_settings(MEDIA_ROOT=root):
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, media_root: Path) -> Iterator[World]:
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def session_cookies(world: World) -> dict[str, str]:
    """One signed-in session per member of the cast, made once for the module (administrators
    with their second factor); each test's changes to it are rolled back with the test."""
    cookies = {}
    for role, user in world.users.items():
        client = sign_in(Client(), user)
        cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


@pytest.fixture
def client_for(session_cookies: dict[str, str], db: None) -> Callable[[str], Client]:
    """A test client signed in as a member of the cast ("anonymous" for nobody)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = session_cookies[role]
        return client

    return make
