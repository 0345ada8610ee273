"""List tables read on a phone: every body cell of a .table-stack table names its column in
data-label, the same translated string as the column header (see the Tables section of qkb.css)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.feedback import services as feedback_services
from qinkuaiban.feedback.tests.factories import feedback_items
from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "qinkuaiban"
STACK = "table-stack"
SCROLL = "table-scroll"


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Table:
    classes: set[str]
    headers: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


class TableReader(HTMLParser):
    """The `.table` tables of an HTML page or template: header texts and body cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._table: Table | None = None
        self._section = ""
        self._cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "table":
            classes = set(values.get("class", "").split())
            self._table = Table(classes) if "table" in classes else None
            if self._table is not None:
                self.tables.append(self._table)
        elif self._table is None:
            return
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self._section == "tbody":
            self._table.rows.append([])
        elif tag in ("th", "td"):
            self._cell = Cell(tag, values)
            if self._section == "tbody" and self._table.rows:
                self._table.rows[-1].append(self._cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table, self._section = None, ""
        elif tag in ("th", "td") and self._cell is not None:
            if self._table is not None and self._section == "thead":
                self._table.headers.append(" ".join(self._cell.text.split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data


def read_tables(html: str) -> list[Table]:
    reader = TableReader()
    reader.feed(html)
    reader.close()
    return reader.tables


def labelled_cells(table: Table) -> list[tuple[int, Cell]]:
    """Each body cell with its column; a message row spanning the table needs no label."""
    return [(column, cell) for row in table.rows for column, cell in enumerate(row)
            if cell.tag == "td" and "colspan" not in cell.attrs]


def list_templates() -> list[Path]:
    return sorted(path for path in TEMPLATE_ROOT.glob("*/templates/**/*.html")
                  if "<table" in path.read_text(encoding="utf-8"))


def test_the_template_walk_finds_the_stacked_list_tables() -> None:
    stacked = {path.name for path in list_templates()
               for table in read_tables(path.read_text(encoding="utf-8")) if STACK in table.classes}

    assert {"queue.html", "mine.html", "manage.html", "entry_list.html",
            "user_list.html", "delivery_list.html"} <= stacked


@pytest.mark.parametrize("path", list_templates(), ids=lambda path: str(path.relative_to(
    TEMPLATE_ROOT)))
def test_every_body_cell_of_a_stacked_table_carries_a_translated_column_label(
    path: Path,
) -> None:
    for table in read_tables(path.read_text(encoding="utf-8")):
        if STACK not in table.classes:
            continue
        cells = labelled_cells(table)
        assert cells, f"{path.name}: a stacked table without body cells"
        for column, cell in cells:
            label = cell.attrs.get("data-label", "").strip()
            assert label, f"{path.name}: column {column + 1} has no data-label"
            assert "{% translate" in label or "{{" in label, (
                f"{path.name}: column {column + 1} has an untranslated label {label!r}")


@pytest.mark.parametrize("path", list_templates(), ids=lambda path: str(path.relative_to(
    TEMPLATE_ROOT)))
def test_a_table_is_either_stacked_or_scrolling_never_both(path: Path) -> None:
    for table in read_tables(path.read_text(encoding="utf-8")):
        assert not {STACK, SCROLL} <= table.classes, path.name


@pytest.fixture
def pages(client: Client, cast: dict[str, User]) -> dict[str, tuple[User | None, str]]:
    """The main list pages, each with a row to show, and who looks at it."""
    item = make_item(materials=[])
    case_services.submit_case(actor=cast["zhangsan"], item=item,
                              form={"contact_phone": "13800000001"}, files=[])
    guide_item = make_item()
    feedback_items()
    feedback_services.submit_feedback(kind="suggestion", title="增加自行车棚", content="二号楼旁",
                                      actor=cast["zhangsan"], anonymous=False)
    return {
        "work queue": (cast["lisi"], reverse("cases:queue")),
        "my cases": (cast["zhangsan"], reverse("cases:mine")),
        "service guide": (None, reverse("catalogue:home")),
        "guide materials": (None, reverse("catalogue:item", args=[guide_item.code])),
        "guide management": (cast["sunqi"], reverse("catalogue:manage")),
        "my submissions": (cast["zhangsan"], reverse("feedback:mine")),
        "feedback queue": (cast["lisi"], reverse("feedback:queue")),
        "audit log": (cast["auditor"], reverse("audit:entry_list")),
        "accounts": (cast["sysadmin"], reverse("identity:users")),
    }


@pytest.mark.django_db
def test_each_label_on_the_main_list_pages_repeats_its_column_header_in_chinese(
    client: Client, pages: dict[str, tuple[User | None, str]],
) -> None:
    for name, (user, url) in pages.items():
        client.logout()
        if user is not None:
            sign_in(client, user)
        response = client.get(url)
        assert response.status_code == 200, name
        tables = [t for t in read_tables(response.content.decode()) if STACK in t.classes]
        assert tables, f"{name}: no stacked table"
        for table in tables:
            cells = labelled_cells(table)
            assert cells, f"{name}: the table has no rows"
            for column, cell in cells:
                assert cell.attrs.get("data-label") == table.headers[column], (
                    f"{name}: column {column + 1} is labelled {cell.attrs.get('data-label')!r}"
                    f" under the header {table.headers[column]!r}")


@pytest.mark.django_db
def test_the_work_queue_labels_its_cells_in_chinese(client: Client, lisi: User,
                                                    zhangsan: User) -> None:
    item = make_item(materials=[])
    case_services.submit_case(actor=zhangsan, item=item, form={"contact_phone": "13800000001"},
                              files=[])
    content = sign_in(client, lisi).get(reverse("cases:queue")).content.decode()

    for label in ("办结期限", "办件", "申请人", "状态", "责任人"):
        assert f'data-label="{label}"' in content
