"""A date a person typed is read strictly as YYYY-MM-DD, wherever the platform reads one."""

import datetime as dt

import pytest

from qinkuaiban.core.dates import parse_iso_date


def test_a_date_written_year_month_day_is_read() -> None:
    assert parse_iso_date("2026-12-07") == dt.date(2026, 12, 7)


@pytest.mark.parametrize("text", ["20261207", "2026-W49-1", "2026-12-7", " 2026-12-07",
                                  "2026-13-01", "2026-02-30", ""])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_date(text)


def test_the_calendar_api_refuses_a_compact_date_with_a_clear_error(client) -> None:
    response = client.get("/api/v1/workdays/explain", {"start": "20260105", "days": "3"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_date"
