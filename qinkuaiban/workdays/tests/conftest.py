import pytest
from pytest_django.fixtures import Settings

from qinkuaiban.workdays import selectors
from qinkuaiban.workdays.rules import WorkCalendar
from qinkuaiban.workdays.tests.calendars import package_calendar


@pytest.fixture
def calendar() -> WorkCalendar:
    """2025 and 2026, the years every database is seeded with."""
    return package_calendar(2025, 2026)


@pytest.fixture(autouse=True)
def cold_calendar_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty per-process calendar cache."""
    monkeypatch.setattr(selectors, "_cache", None)


@pytest.fixture(autouse=True)
def plain_http(settings: Settings) -> None:
    """The test client speaks plain http; production's HTTPS redirect is tested by the web app."""
    settings.SECURE_SSL_REDIRECT = False
