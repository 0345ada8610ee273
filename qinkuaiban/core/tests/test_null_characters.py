"""A NUL character in a request's text is refused before any view, with a clear message."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client


def test_a_nul_in_an_api_json_body_gets_a_422_with_a_clear_code(db: None) -> None:
    response = Client().post("/api/v1/auth/token", json.dumps({"username": "a\u0000b",
                             "password": "x"}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_query_string_of_a_page_gets_a_400_page(db: None) -> None:
    response = Client().get("/guide/", {"q": "停车\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_form_field_is_refused(db: None) -> None:
    response = Client().post("/accounts/login/", {"username": "zhang\x00san", "password": "x"})
    assert response.status_code == 400


def test_binary_uploads_may_contain_nul_bytes(db: None) -> None:
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4\x00\x00binary", content_type="application/pdf")
    response = Client().post("/accounts/login/", {"username": "zhangsan", "file": upload})
    assert response.status_code != 400


def test_ordinary_requests_pass(db: None) -> None:
    assert Client().get("/guide/", {"q": "停车"}).status_code == 200
