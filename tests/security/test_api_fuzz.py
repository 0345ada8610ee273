"""Schemathesis against /api/v1/openapi.json, through WSGI (no server), as a handler with a
bearer token: every operation, a bounded number of generated requests each. No answer may be
a 5xx, and every answer must be documented: its status code, content type and body schema.

Bounded for CI: FUZZ_EXAMPLES requests per operation (QKB_FUZZ_EXAMPLES overrides it)."""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from qinkuaiban.wsgi import application
from tests.security.world import World

FUZZ_EXAMPLES = int(os.environ.get("QKB_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """The WSGI handler closes "old" connections around every request, which would end the
    test's transaction on PostgreSQL; Django's own test client switches that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented(
    case: schemathesis.Case, world: World, db: None, keep_test_connection: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {world.tokens['lisi']}"},
                           checks=CHECKS)
