"""Every page and API operation × every role of the demo cast × own / other organisation →
the status in tests/security/matrix.py. A new endpoint without a row fails here."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from qinkuaiban.api import api
from tests.security.matrix import ROWS, Row
from tests.security.world import ROLES, World, meeting_form, pdf

SKIPPED_PREFIXES = ("django-admin/", "i18n/", "static/", "media/")


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (
                f"{namespace}{pattern.name}" if pattern.name else prefix + str(pattern.pattern)
            ) if pattern.callback.__module__ != "ninja.operation" else ""


def page_targets() -> set[str]:
    """Every HTML page (and the API's own documentation pages) by URL name."""
    return {
        name for route, name in _walk(get_resolver().url_patterns)
        if name and not route.startswith(SKIPPED_PREFIXES)
    }


def api_targets() -> set[str]:
    """Every API operation as "METHOD /api/v1/path", from the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items()
            for method in operations}


def test_every_endpoint_has_a_row() -> None:
    covered = {row.target for row in ROWS}
    missing = sorted((page_targets() | api_targets()) - covered)
    assert not missing, (
        "These endpoints have no row in tests/security/matrix.py (see its docstring for how to "
        "add one): " + ", ".join(missing)
    )


def test_every_row_names_an_existing_endpoint() -> None:
    stale = sorted({row.target for row in ROWS} - page_targets() - api_targets())
    assert not stale, "Rows in tests/security/matrix.py name endpoints that no longer exist: " + (
        ", ".join(stale))


def test_every_row_says_what_every_role_gets() -> None:
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.id


def _scores() -> dict[str, int]:
    from qinkuaiban.feedback.rules import INDICATORS, RatingChannel

    return dict.fromkeys(INDICATORS[RatingChannel.ONLINE], 5)


# Placeholders that stand for a whole JSON value rather than text.
def _meeting_application() -> str:
    return json.dumps({"service_code": "QKB-HY-001", "form": meeting_form()})


STRUCTURED: dict[str, Callable[[], Any]] = {"{meeting_form}": meeting_form, "{scores}": _scores,
                                             "{meeting_application}": _meeting_application}


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str) and value in STRUCTURED:
        return STRUCTURED[value]()
    if isinstance(value, str):
        return value.format(**values)
    return value


def request(row: Row, role: str, world: World, client_for: Callable[[str], Client]) -> Any:
    """Send the row's request as `role`: pages with a signed-in session, the API with the
    role's bearer token."""
    path = row.path.format(**world.values)
    data = {key: _fill(value, world.values) for key, value in row.data.items()}
    if row.is_api:
        client = Client()
        headers = {} if role == "anonymous" else {
            "Authorization": f"Bearer {world.tokens[role]}"}
        if row.files:
            return client.post(path, {**data, **{name: pdf() for name in row.files}},
                               headers=headers)
        if data:
            return client.generic(row.method, path, json.dumps(data),
                                  content_type="application/json", headers=headers)
        return client.generic(row.method, path, headers=headers)
    client = client_for(role)
    if row.method == "GET":
        return client.get(path)
    return client.post(path, {**data, **{name: pdf() for name in row.files}})


CASES = [pytest.param(row, role, id=f"{row.id} as {role}") for row in ROWS for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_access(row: Row, role: str, world: World, client_for: Callable[[str], Client]) -> None:
    response = request(row, role, world, client_for)
    expected = row.expect[role]
    assert response.status_code == expected, (
        f"{row.id} as {role}: expected {expected}, got {response.status_code}"
        + (f" → {response.get('Location')}" if response.status_code == 302 else "")
    )
