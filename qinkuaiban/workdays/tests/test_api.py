"""The public REST endpoints under /api/v1/workdays."""

from typing import Any

import pytest
from django.test import Client


def test_add_returns_the_due_date(client: Client, db: None) -> None:
    response = client.get("/api/v1/workdays/add", {"start": "2026-09-30", "days": "3"})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-10", "provisional": False}


def test_add_marks_a_year_without_data_provisional(client: Client, db: None) -> None:
    response = client.get("/api/v1/workdays/add", {"start": "2028-03-01", "days": "5"})
    assert response.json() == {"date": "2028-03-08", "provisional": True}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-02-30", "days": "3"}, "invalid_date"),
        ({"start": "tomorrow", "days": "3"}, "invalid_date"),
        ({"start": "2026-09-30", "days": "-1"}, "invalid_days"),
        ({"start": "2026-09-30", "days": "3651"}, "invalid_days"),
        ({"start": "2026-09-30", "days": "three"}, "invalid_days"),
    ],
)
def test_bad_input_is_a_422_with_code_and_detail(
    client: Client, db: None, params: dict[str, str], code: str
) -> None:
    response = client.get("/api/v1/workdays/add", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["detail"]


def test_a_missing_parameter_is_a_422(client: Client, db: None) -> None:
    response = client.get("/api/v1/workdays/add", {"start": "2026-09-30"})
    assert response.status_code == 422
    assert set(response.json()) >= {"code", "detail"}


def test_explain_lists_every_day_with_its_reason(client: Client, db: None) -> None:
    response = client.get("/api/v1/workdays/explain", {"start": "2026-09-30", "days": "3"})
    assert response.status_code == 200
    body = response.json()
    assert (body["date"], body["provisional"], body["days"]) == ("2026-10-10", False, 3)
    assert [note["kind"] for note in body["notes"]] == ["holiday"] * 7 + [
        "workday", "workday", "makeup_workday"]
    assert body["notes"][-1]["counted"] == 3
    assert "国庆节" in body["notes"][0]["description"]


def test_years_lists_the_official_years(client: Client, db: None,
                                        django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/workdays/years")
    assert response.status_code == 200
    years = {item["year"]: item for item in response.json()}
    assert {2025, 2026} <= set(years)
    assert years[2026]["working_days"] == 248
    assert years[2026]["source"] == "package"
