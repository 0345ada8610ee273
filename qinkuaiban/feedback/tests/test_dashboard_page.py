"""The rating statistics page (好差评统计) reads on a phone: its tables stack into one card per
row, each figure next to its label; on a desktop they stay tables."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.feedback import services
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.web.tests.helpers import sign_in


def _rated_services(count: int, zhangsan, lisi) -> None:
    for number in range(count):
        item = make_item(materials=[], content={"name": f"测试服务{number}"})
        rate(completed_case(item, zhangsan, lisi), zhangsan, 5 if number % 2 else 1)


@pytest.fixture
def board(client, kinds, zhangsan, lisi, wangwu):
    """王五's statistics page with two rated services and two kinds of submissions."""
    _rated_services(2, zhangsan, lisi)
    for kind in ("complaint", "suggestion"):
        services.submit_feedback(kind=kind, title="空调不制冷", content="三楼会议室",
                                 actor=None, anonymous=True)
    sign_in(client, wangwu)
    response = client.get(reverse("feedback:statistics"))
    assert response.status_code == 200
    return response.content.decode()


def _tables(body: str) -> list[str]:
    return re.findall(r"<table .*?</table>", body, flags=re.S)


def test_the_statistics_page_reads_in_chinese(board):
    assert "<h1>好差评统计</h1>" in board
    for heading in ("按单位", "按服务事项", "投诉、建议、表扬和局长信箱"):
        assert heading in board


def test_every_statistics_table_stacks_into_cards_on_a_phone(board):
    tables = _tables(board)

    assert len(tables) == 3
    for table in tables:
        assert 'class="table table-stack"' in table
        assert "table-scroll" not in table


def test_every_figure_cell_carries_its_column_header_as_label(board):
    for table in _tables(board):
        headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)
        rows = re.findall(r"<tbody>(.*?)</tbody>", table, flags=re.S)[0].split("</tr>")
        cells = [re.findall(r'<td[^>]*data-label="([^"]*)"', row) for row in rows if "<td" in row]
        assert cells, table
        for labels in cells:
            # The row header (first column) is the card's heading; every other cell is labelled.
            assert labels == headers[1:], (labels, headers)


def test_the_month_picker_shows_the_month_the_figures_are_for(board):
    month = timezone.localdate().strftime("%Y-%m")

    assert re.search(rf'<input type="month" name="month" value="{month}"', board)


def test_the_statistics_page_runs_a_fixed_number_of_queries(
    client, kinds, zhangsan, lisi, wangwu, django_assert_max_num_queries
):
    _rated_services(1, zhangsan, lisi)
    sign_in(client, wangwu)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("feedback:statistics"))
    _rated_services(4, zhangsan, lisi)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feedback:statistics"))

    assert response.status_code == 200
    assert response.content.decode().count("测试服务") == 5


@pytest.mark.parametrize(("query", "shown"), [
    ({"page": "2"}, None), ({"month": "不是月份"}, None), ({"month": ""}, None),
    ({"month": "2026-03", "page": "2"}, "2026-03"),
])
def test_the_month_picker_always_shows_the_month_the_figures_are_for(
    client, kinds, wangwu, query, shown
):
    sign_in(client, wangwu)
    month = shown or timezone.localdate().strftime("%Y-%m")

    response = client.get(reverse("feedback:statistics"), query)

    assert response.context["month"].strftime("%Y-%m") == month
    assert re.search(rf'<input type="month" name="month" value="{month}"',
                     response.content.decode())


def test_the_totals_follow_the_tables_at_the_shared_phone_breakpoint(board):
    """One breakpoint with the shared stylesheet's .table-stack, and its .stack for spacing."""
    shared = (settings.BASE_DIR / "qinkuaiban/web/static/web/qkb.css").read_text()
    own = (settings.BASE_DIR / "qinkuaiban/feedback/static/feedback/feedback.css").read_text()
    stacking = re.search(r"@media \(max-width: (\d+rem)\) \{\s*\.table-wrap:has\(> \.table-stack\)",
                         shared)
    assert stacking is not None
    totals = own[own.index("@media"):own.index("dl.meta.stats-total")]
    assert f"(max-width: {stacking.group(1)})" in totals
    assert "stats-sections" not in own + board
    assert '<div class="stack">\n<section class="stack" aria-labelledby="total-title">' in board
