"""Fixtures of the reliability tests: uploads in a temporary MEDIA_ROOT, a published item, and
extra databases (a fresh SQLite file, or a new PostgreSQL database) to restore into."""

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.utils import load_backend
from django.test import override_settings

from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User

ROOT = Path(__file__).resolve().parents[2]
PROBE = "restored_probe"


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media"
    root.mkdir()
    with override_settings(MEDIA_ROOT=root):
        yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def item(cast: dict[str, User]) -> ServiceItem:
    return make_item()


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for a subprocess (manage.py) that must use this database."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    return (f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
            f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
            f"{settings_dict['NAME']}")


def manage(*args: str, database: dict[str, Any], media: Path) -> subprocess.CompletedProcess[str]:
    """Run manage.py as an operator would, against another database and media directory."""
    env = {**os.environ, "DATABASE_URL": database_url(database), "MEDIA_ROOT": str(media),
           "QKB_TESTING": "1", "DJANGO_SETTINGS_MODULE": "qinkuaiban.settings"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
        capture_output=True, text=True, check=False, timeout=120,
    )


@pytest.fixture
def empty_database(tmp_path: Path, transactional_db: None) -> Iterator[dict[str, Any]]:
    """A new, empty database of the vendor under test (its connection settings)."""
    base = dict(connection.settings_dict)
    created = ""
    if connection.vendor == "sqlite":
        base["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        created = f"{base['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{created}"')
        base["NAME"] = created
    try:
        yield base
    finally:
        if created:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def query(settings_dict: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    """Rows from another database, through a connection that is not one of the test's aliases."""
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=PROBE)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    finally:
        wrapper.close()
