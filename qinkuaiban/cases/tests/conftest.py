import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import Organisation, User


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path) -> Any:
    """Uploads go to a temporary MEDIA_ROOT, so tests can check what was (not) written."""
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
    return make_item()


@pytest.fixture
def instant_item(cast: dict[str, User]) -> ServiceItem:
    return make_item(content={"promised_days": 0, "is_instant": True, "legal_days": 1},
                       materials=[])


@pytest.fixture
def door_item(cast: dict[str, User]) -> ServiceItem:
    return make_item(content={"channels": ["online", "door_to_door"]}, materials=[])


@pytest.fixture
def enquiry_item(cast: dict[str, User]) -> ServiceItem:
    return make_item(kind="enquiry", materials=[], content={"promised_days": 2,
                                                              "legal_days": 5})


@pytest.fixture
def property_division(orgs: dict[str, Organisation]) -> Organisation:
    return orgs["goa-property"]
