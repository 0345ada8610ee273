"""The fixed cast every test can call on, built by the same code as the demo (identity/demo.py):
张三 (zhangsan) applies from organ A, 赵六 (zhaoliu) from organ B and must see nothing of his,
李四 (lisi) is the window clerk and handler of the GOA service centre, 王五 (wangwu) its division
head, 孙七 (sunqi) a leader, plus the three administrators."""

from collections.abc import Callable, Iterator

import pytest

from qinkuaiban.identity.demo import ensure_demo_cast, ensure_organisations
from qinkuaiban.identity.models import Organisation, User

TEST_PASSWORD = "Qkb-Test-2026!"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings) -> None:  # type: ignore[no-untyped-def]
    """Tasks enqueued on commit run in-process, so a test sees their effect at once."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language (zh-hans): a page an earlier test requested in
    English leaves English active in the thread (LocaleMiddleware never switches back)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Cached fragments (guide pages, published figures) never leak from one test into the
    next, where rolled-back primary keys may be issued again."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _official_calendar_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser journeys, concurrency) empty every table when they end,
    including the 2025-2026 calendar a migration seeded. With several workers any later test
    may follow one, so every database test puts the calendar back when it is missing."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not {"db", "transactional_db", "live_server"} & names:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from importlib import import_module

    from django.apps import apps

    from qinkuaiban.workdays.models import CalendarYear

    if CalendarYear.objects.filter(year__in=(2025, 2026)).count() < 2:
        # The migration's own seeding, so the database is exactly as freshly migrated (no
        # audit entries or history rows that tests counting them would see).
        migration = import_module("qinkuaiban.workdays.migrations.0002_seed_2025_and_2026")
        migration.seed(apps, None)


@pytest.fixture
def orgs(db: None) -> dict[str, Organisation]:
    return ensure_organisations()


@pytest.fixture
def cast(db: None) -> dict[str, User]:
    return ensure_demo_cast(password=TEST_PASSWORD)


def _member(name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture
    def fixture(cast: dict[str, User]) -> User:
        return cast[name]

    return fixture


zhangsan = _member("zhangsan")
zhaoliu = _member("zhaoliu")
lisi = _member("lisi")
wangwu = _member("wangwu")
sunqi = _member("sunqi")
zhouba = _member("zhouba")
sysadmin = _member("sysadmin")
secadmin = _member("secadmin")
auditor = _member("auditor")


@pytest.fixture
def new_member(orgs: dict[str, Organisation], cast: dict[str, User]) -> Callable[..., User]:
    """Make a user beside the fixed cast, with one role in one organisation (by code)."""
    from qinkuaiban.identity.services import create_user, grant_role

    def make(username: str, real_name: str, organisation: str, role: str) -> User:
        user = create_user(actor=None, username=username, real_name=real_name, password=None,
                           validate_password=False)
        grant_role(actor=None, user=user, organisation=orgs[organisation], role=role)
        return user

    return make


@pytest.fixture
def qianjiu(new_member: Callable[..., User]) -> User:
    """钱九, a handler of the property division: staff, but not of lisi's organisation."""
    from qinkuaiban.identity.roles import Role

    return new_member("qianjiu", "钱九", "goa-property", Role.HANDLER)


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD
