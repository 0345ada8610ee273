"""List tables on a 390 px phone: rows become cards with their column labels, nothing scrolls
sideways and the buttons stay large enough to tap; on a desktop they are still tables."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.feedback import services as feedback_services
from qinkuaiban.feedback.tests.factories import feedback_items
from qinkuaiban.identity.models import User
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERVICE = "办公家具调配"  # the name make_item gives its guide


@pytest.fixture
def screen(browser: Any, live_server: Any) -> Iterator[Any]:
    """Opens a fresh browser (its own cookies) at a given viewport; closes them all after."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int], *, phone: bool) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport=viewport, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def listed(cast: dict[str, User]) -> str:
    """A case in lisi's queue and zhangsan's list, and a submission of zhangsan's."""
    item = make_item(materials=[])
    case = case_services.submit_case(actor=cast["zhangsan"], item=item,
                                     form={"contact_phone": "13800000001"}, files=[])
    feedback_items()
    feedback_services.submit_feedback(kind="suggestion", title="增加自行车棚", content="二号楼旁",
                                      actor=cast["zhangsan"], anonymous=False)
    return case.number or ""


def open_as(screen: Any, username: str, password: str, url: str, *,
            viewport: dict[str, int] = PHONE) -> Page:
    """A fresh browser signed in as `username`, on `url` (a phone unless told otherwise)."""
    page = screen(viewport, phone=viewport is PHONE)
    sign_in(page, username, password)
    page.goto(url)
    return page


def keep(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone_tables_{name}.png"), full_page=True)


def label_of(cell: Locator) -> str:
    """The text the stylesheet shows before a cell's value ('none' when it shows nothing);
    its alternative text for screen readers (after the slash) is empty."""
    content = str(cell.evaluate("cell => getComputedStyle(cell, '::before').content"))
    shown, _, alternative = content.partition(" / ")
    assert alternative in ("", '""'), content
    return shown.strip('"')


def assert_fits_the_phone(page: Page) -> None:
    """Neither the page nor any table frame scrolls sideways."""
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    overflowing = page.evaluate("""[...document.querySelectorAll('.table-wrap')]
        .filter(wrap => wrap.scrollWidth > wrap.clientWidth).length""")
    assert overflowing == 0, "a table scrolls sideways inside its frame"


def test_the_work_queue_and_my_cases_read_as_cards_on_a_phone(
    screen: Any, listed: str, password: str,
) -> None:
    page = open_as(screen, "lisi", password, "/cases/queue/")
    expect(page.get_by_role("heading", level=1, name="办件队列")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=listed)
    expect(row.get_by_role("link", name=SERVICE)).to_be_in_viewport()
    assert_fits_the_phone(page)
    status = row.locator('td[data-label="状态"]')
    expect(status).to_be_visible()
    assert label_of(status) == "状态"
    # The case is the card's heading (moved above the due date), so it shows no label.
    assert label_of(row.locator("td.cell-title")) == "none"
    title_box, due_box = (row.locator("td.cell-title").bounding_box(),
                          row.locator('td[data-label="办结期限"]').bounding_box())
    assert title_box and due_box and title_box["y"] < due_box["y"]
    expect(page.get_by_role("columnheader", name="责任人")).to_have_count(1)
    expect(page.locator("table.table-stack thead")).not_to_be_in_viewport()
    keep(page, "queue_phone")

    page = open_as(screen, "zhangsan", password, "/cases/mine/")
    row = page.get_by_role("row").filter(has_text=listed)
    expect(row.get_by_role("link", name=SERVICE)).to_be_visible()
    assert_fits_the_phone(page)
    organisation = row.locator('td[data-label="承办单位"]')
    expect(organisation).to_be_in_viewport()
    assert label_of(organisation) == "承办单位"
    keep(page, "mine_phone")

    page.goto("/feedback/mine/")
    expect(page.get_by_role("cell", name="增加自行车棚")).to_be_visible()
    assert_fits_the_phone(page)
    keep(page, "feedback_mine_phone")


def test_the_buttons_of_the_guide_management_are_large_enough_to_tap_on_a_phone(
    screen: Any, listed: str, password: str,
) -> None:
    page = open_as(screen, "sunqi", password, "/guide/manage/")
    expect(page.get_by_role("heading", level=1, name="编辑服务指南")).to_be_visible()
    assert_fits_the_phone(page)
    buttons = page.locator("table.table-stack tbody .btn")
    assert buttons.count() > 0
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None
        assert box["height"] >= 40
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    keep(page, "manage_phone")


def test_on_a_desktop_the_lists_stay_tables_with_their_header_row(
    screen: Any, listed: str, password: str,
) -> None:
    pages = {"queue": ("lisi", "/cases/queue/"), "mine": ("zhangsan", "/cases/mine/"),
             "feedback_mine": ("zhangsan", "/feedback/mine/"),
             "manage": ("sunqi", "/guide/manage/")}
    for name, (username, url) in pages.items():
        page = open_as(screen, username, password, url, viewport=DESKTOP)
        expect(page.locator("table.table-stack thead").first).to_be_visible()
        cell = page.locator("table.table-stack tbody td").first
        assert cell.evaluate("cell => getComputedStyle(cell).display") == "table-cell"
        assert label_of(cell) == "none"
        keep(page, f"{name}_desktop")


def test_the_guide_materials_and_the_rating_statistics_stack_into_cards(
    screen: Any, listed: str, password: str,
) -> None:
    item = make_item()
    page = screen(PHONE, phone=True)
    page.goto(reverse("catalogue:item", args=[item.code]))
    material = page.locator("table.table-stack td.cell-title").filter(has_text="申请函")
    expect(material).to_be_visible()
    assert label_of(material) == "none"
    assert_fits_the_phone(page)
    keep(page, "guide_materials_phone")

    sign_in(page, "sunqi", password)
    page.goto(reverse("feedback:statistics"))
    expect(page.get_by_role("heading", level=1, name="好差评统计")).to_be_visible()
    assert_fits_the_phone(page)
    row = page.locator("table.table-stack tbody tr").filter(has_text="建议").first
    received = row.locator('td[data-label="收件数"]')
    expect(received).to_be_visible()
    assert label_of(received) == "收件数"
    assert label_of(row.locator("th")) == "none"
    keep(page, "statistics_phone")
