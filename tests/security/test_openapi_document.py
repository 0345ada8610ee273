"""The OpenAPI document every client and the docs page read is valid JSON without duplicated
keys: Swagger UI refuses a document with one, JSON parsers quietly keep the last."""

import json
from collections import Counter
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    repeated = [key for key, count in Counter(key for key, _value in pairs).items() if count > 1]
    assert not repeated, f"duplicated keys in the OpenAPI document: {repeated}"
    return dict(pairs)


def test_the_openapi_document_has_no_duplicated_keys_and_the_docs_page_loads() -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = json.loads(document.content, object_pairs_hook=_no_duplicates)["paths"]
    notice = paths["/api/v1/cases/{number}/notices/{kind}"]["get"]["responses"]
    assert "application/pdf" in notice["200"]["content"]
    assert client.get("/api/v1/docs").status_code == 200


def test_the_api_root_s_own_messages_are_translated() -> None:
    refused = Client().get("/api/v1/cases")
    assert refused.status_code == 401
    assert refused.json() == {"code": "not_authenticated",
                              "detail": "请先登录，或提供有效的访问令牌。"}
    english = Client(headers={"accept-language": "en"}).get("/api/v1/cases")
    assert english.json()["detail"] == "Authentication required."
