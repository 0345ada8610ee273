"""List tables state their roles outright (web/table-roles.js), so a screen reader that drops a
table's semantics when the stylesheet turns its rows into cards (older WebKit, VoiceOver on
iPhones) still reads rows, cells and column headers — on the first page and after htmx swaps
in a filtered list."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.identity.models import User

# `screen` is the fixture of those tests: a fresh browser per viewport.
from tests.browser.test_phone_tables import PHONE, open_as, screen  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

# Every element of each table.table-stack with the role it carries, or what is wrong with it.
ROLE_PROBLEMS = """() => {
  const expected = (element, table) => {
    if (element === table) return "table";
    if (["THEAD", "TBODY", "TFOOT"].includes(element.tagName)) return "rowgroup";
    if (element.tagName === "TR") return "row";
    if (element.tagName === "TD") return "cell";
    if (element.tagName === "TH") {
      return element.getAttribute("scope") === "row" ? "rowheader" : "columnheader";
    }
    return null;
  };
  const problems = [];
  for (const table of document.querySelectorAll("table.table-stack")) {
    for (const element of [table, ...table.querySelectorAll("*")]) {
      const role = expected(element, table);
      if (element.tagName === "CAPTION" && element.hasAttribute("role")) {
        problems.push("caption has role " + element.getAttribute("role"));
      } else if (role !== null && element.getAttribute("role") !== role) {
        problems.push(element.tagName + " has role " + element.getAttribute("role")
                      + ", not " + role);
      }
    }
  }
  return problems;
}"""


@pytest.fixture
def queue(cast: dict[str, User]) -> dict[str, str]:
    """Two cases in 李四's queue: one submitted, one he accepted."""
    item = make_item(materials=[])
    waiting, accepted = (
        case_services.submit_case(actor=cast["zhangsan"], item=item,
                                  form={"contact_phone": "13800000001"}, files=[])
        for _n in range(2)
    )
    case_services.accept(case=accepted, actor=cast["lisi"])
    return {"submitted": waiting.number or "", "accepted": accepted.number or ""}


def stacked_table(page: Page) -> Any:
    return page.locator("#queue-results table.table-stack")


def assert_roles(page: Page) -> None:
    assert page.locator("table.table-stack").count() > 0
    assert page.evaluate(ROLE_PROBLEMS) == []


def test_the_queue_on_a_phone_states_the_roles_of_its_stacked_table(
    screen: Any, queue: dict[str, str], password: str,  # noqa: F811
) -> None:
    page = open_as(screen, "lisi", password, "/cases/queue/")
    table = stacked_table(page)
    expect(table).to_have_attribute("role", "table")
    # The rows are cards on the phone, yet still rows with cells under their column headers.
    assert table.locator("tbody > tr").first.evaluate(
        "row => getComputedStyle(row).display") == "flex"
    assert_roles(page)
    expect(table.get_by_role("rowgroup")).to_have_count(2)
    expect(table.get_by_role("columnheader")).to_have_count(5)
    expect(table.get_by_role("columnheader", name="责任人")).to_have_count(1)
    for number in queue.values():
        row = table.get_by_role("row").filter(has_text=number)
        expect(row).to_have_count(1)
        expect(row.get_by_role("cell")).to_have_count(5)
    expect(table.locator("caption")).not_to_have_attribute("role", "caption")

    # Running again (htmx announces the whole page once more) changes nothing.
    before = table.evaluate("table => table.outerHTML")
    page.evaluate("""() => document.body.dispatchEvent(new CustomEvent("htmx:load",
        {bubbles: true, detail: {elt: document.body}}))""")
    assert table.evaluate("table => table.outerHTML") == before


def test_a_filtered_list_swapped_in_by_htmx_states_its_roles_too(
    screen: Any, queue: dict[str, str], password: str,  # noqa: F811
) -> None:
    page = open_as(screen, "lisi", password, "/cases/queue/")
    expect(stacked_table(page).get_by_role("row")).to_have_count(3)
    stacked_table(page).evaluate("table => { table.dataset.before = 'swap'; }")
    with page.expect_response(lambda response: "status=accepted" in response.url):
        page.get_by_label("状态", exact=True).select_option("accepted")
    table = stacked_table(page)
    # A new table (not the first one filtered in place), with only the accepted case.
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).not_to_have_attribute("data-before", "swap")
    expect(table.get_by_role("row").filter(has_text=queue["accepted"])).to_have_count(1)
    expect(table).to_have_attribute("role", "table")
    assert_roles(page)
    assert "status=accepted" in page.url
