import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.feedback.tests.factories import feedback_items
from qinkuaiban.identity.models import Organisation, User


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path) -> Any:
    root = tmp_path / "media"
    root.mkdir()
    with override_settings(MEDIA_ROOT=root):
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """The cast's passwords and the anonymous PINs need no Argon2 cost in these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def item(cast: dict[str, User]) -> ServiceItem:
    """A service of the GOA service centre (李四 handles it, 王五 heads it)."""
    return make_item(materials=[])


@pytest.fixture
def kinds(cast: dict[str, User]) -> dict[str, ServiceItem]:
    """Feedback items of every kind, handled by the service centre."""
    return feedback_items()


@pytest.fixture
def centre(orgs: dict[str, Organisation]) -> Organisation:
    return orgs["goa-service-centre"]
