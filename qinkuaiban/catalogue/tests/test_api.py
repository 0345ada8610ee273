import io

import pytest

from qinkuaiban.catalogue.demo import seed_demo_data

SUMMARY_FIELDS = {"code", "name", "kind", "category", "handling_org", "legal_days",
                  "promised_days", "visits", "instant", "door_to_door"}


@pytest.fixture
def demo(db):
    seed_demo_data(stdout=io.StringIO())


def test_service_list_is_public_and_paginated(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/services")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] >= 15
    assert set(body["items"][0]) >= SUMMARY_FIELDS


@pytest.mark.parametrize("query", ["停车", "tingche", "tc"])
def test_service_list_searches_chinese_and_pinyin(client, demo, query):
    body = client.get("/api/v1/services", {"q": query}).json()

    assert [item["code"] for item in body["items"]] == ["QKB-TC-001"]


def test_service_detail_has_the_agreed_shape(client, demo):
    response = client.get("/api/v1/services/QKB-TY-001")

    body = response.json()
    assert response.status_code == 200
    assert SUMMARY_FIELDS | {"materials", "form"} <= set(body)
    assert body["kind"] == "childcare"
    assert body["handling_org"] == "机关服务中心"
    assert (body["legal_days"], body["promised_days"], body["visits"]) == (20, 10, 1)
    assert body["instant"] is False and body["door_to_door"] is False
    assert {"name", "necessity"} <= set(body["materials"][0])
    assert {m["necessity"] for m in body["materials"]} == {"required", "deferrable"}
    child_id = next(f for f in body["form"] if f["name"] == "child_id_number")
    assert {k: child_id[k] for k in ("name", "label", "type", "required")} == {
        "name": "child_id_number", "label": "幼儿身份证号码", "type": "id_number",
        "required": True}


def test_instant_and_door_to_door_flags(client, demo):
    access = client.get("/api/v1/services/QKB-MJ-001").json()
    repair = client.get("/api/v1/services/QKB-WX-001").json()

    assert access["instant"] is True and access["promised_days"] == 0
    assert repair["door_to_door"] is True and repair["visits"] == 0


def test_unknown_service_is_a_404_with_code_and_detail(client, demo):
    response = client.get("/api/v1/services/QKB-NO-404")

    assert response.status_code == 404
    assert response.json()["code"] == "service_not_found"
    assert response.json()["detail"]
