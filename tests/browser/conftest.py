"""Browser journeys in Debian's Chromium driven by Playwright.

Playwright cannot download browsers here, so the tests launch /usr/bin/chromium. Without it the
journeys are skipped — unless QKB_REQUIRE_BROWSER=1 (CI), where a missing browser fails the run.
Screenshots of every journey's last page land in test-artifacts/ for a person to look at.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("QKB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium's own widgets (file pickers, date inputs) in Chinese, like a user's browser here.
    "--lang=zh-CN",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not _browser_available():
        message = f"Chromium not found at {CHROMIUM}"
        if settings.QKB_REQUIRE_BROWSER:
            pytest.fail(f"{message}, and QKB_REQUIRE_BROWSER=1 requires the browser journeys")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone_page(browser, live_server, request):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 740},
        is_mobile=True, has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
