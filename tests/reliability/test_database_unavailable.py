"""A database that is away answers 503 (a Chinese page, or `{"code": "service_unavailable"}`
for the API) wherever the failure surfaces: in a view, or already in middleware while loading a
signed-in user's session, before any view runs. The real outage (PostgreSQL stopped under load,
then started again) is exercised in test_faults.py."""

from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import get_resolver

from qinkuaiban.core.views import server_error
from qinkuaiban.identity.models import User
from qinkuaiban.identity.tokens import issue_token

pytestmark = pytest.mark.django_db

REFUSED = OperationalError('connection to server at "127.0.0.1", port 5432 failed: '
                           "Connection refused")


@pytest.fixture
def client() -> Client:
    """A browser that sees the error responses instead of the test re-raising the exception."""
    return Client(raise_request_exception=False)


def _session_store_fails(exception: Exception) -> Any:
    return mock.patch("django.contrib.sessions.backends.db.SessionStore.load",
                      side_effect=exception)


def test_the_site_uses_the_handler_that_knows_about_the_database() -> None:
    assert get_resolver().resolve_error_handler(500) is server_error


@pytest.mark.parametrize("exception", [REFUSED, InterfaceError("connection already closed")])
def test_a_signed_in_users_page_is_a_chinese_503_when_the_session_cannot_be_loaded(
    client: Client, zhangsan: User, exception: Exception
) -> None:
    client.force_login(zhangsan)

    with _session_store_fails(exception):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "服务暂不可用" in response.content.decode()


def test_an_api_call_with_a_session_gets_json_503_when_the_session_cannot_be_loaded(
    client: Client, zhangsan: User
) -> None:
    client.force_login(zhangsan)

    with _session_store_fails(REFUSED):
        response = client.get("/api/v1/cases")

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


def test_an_api_call_with_a_token_gets_json_503_when_its_query_fails(
    client: Client, zhangsan: User
) -> None:
    raw, _token = issue_token(user=zhangsan)

    with mock.patch("qinkuaiban.cases.selectors.cases_for_actor", side_effect=REFUSED):
        response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["detail"]


def test_any_other_error_in_middleware_is_still_a_500(client: Client, zhangsan: User) -> None:
    client.force_login(zhangsan)

    with _session_store_fails(ValueError("a bug")):
        response = client.get("/")

    assert response.status_code == 500
    assert "服务器出现错误" in response.content.decode()
