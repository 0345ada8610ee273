"""The production settings (DEBUG off, HTTPS on) as the environment of a real deployment gives
them: Django's deployment check, the security headers and cookies of real responses, and CSRF
on every form and every POST view."""

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings

from qinkuaiban.web.tests.helpers import sign_in
from tests.security.matrix import ROWS, Row
from tests.security.world import ROLES, World, pdf

SECURITY_SETTINGS = (
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "SECURE_REDIRECT_EXEMPT",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_COOKIE_AGE",
)
DUMP = f"""
import json, django
from django.conf import settings
django.setup()
print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))
"""


def production_environment(var_dir: Path) -> dict[str, str]:
    """What a deployment sets (docs/deploy.md), and nothing of the test run's environment."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "qinkuaiban.settings", "DEBUG": "0", "QKB_HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(60), "QKB_FIELD_KEY": secrets.token_urlsafe(40),
        "QKB_VAR_DIR": str(var_dir), "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "qkb.example.gov.cn",
    }


def _run(args: list[str], var_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=production_environment(var_dir),
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = _run(["-c", DUMP], tmp_path_factory.mktemp("production"))
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_the_deployment_check_passes_without_a_warning(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  tmp_path_factory.mktemp("deploy-check"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_https_only_cookies_and_strict_headers(
    production_settings: dict[str, Any],
) -> None:
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["CSRF_COOKIE_HTTPONLY"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["X_FRAME_OPTIONS"] == "DENY"
    assert production_settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True


@pytest.fixture
def production(production_settings: dict[str, Any]) -> Iterator[None]:
    with override_settings(**production_settings):
        yield


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/guide/", "/accounts/login/", "/cases/progress/",
                                  "/api/v1/services", "/healthz"])
def test_every_response_carries_the_security_headers(path: str, world: World, db: None,
                                                     production: None) -> None:
    response = Client().get(path, secure=True)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_plain_http_is_sent_to_https(world: World, db: None, production: None) -> None:
    response = Client().get("/guide/", secure=False)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_the_load_balancer_probe_stays_on_http(world: World, db: None, production: None) -> None:
    assert Client().get("/healthz", secure=False).status_code == 200


def test_https_behind_the_proxy_is_recognised(world: World, db: None, production: None) -> None:
    response = Client().get("/guide/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200


def test_cookies_are_secure_httponly_and_same_site(world: World, db: None, production: None,
                                                   password: str) -> None:
    client = Client()
    csrf = client.get("/accounts/login/", secure=True).cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": password},
                           secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_the_session_idles_out_and_ends_with_the_browser(
    production_settings: dict[str, Any],
) -> None:
    assert production_settings["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert production_settings["SESSION_COOKIE_AGE"] <= 30 * 60


# --- CSRF ---------------------------------------------------------------------------------------

def _page_posts() -> list[tuple[Row, str]]:
    """Every POST row of a page, with a role the matrix lets through."""
    let_through = {200, 201, 204, 302, 409, 422}
    found = []
    for row in ROWS:
        # CSRF is checked before the view runs, so a row nobody gets through is walked as
        # the anonymous visitor.
        allowed = [role for role in ROLES[1:] if row.expect[role] in let_through]
        if not row.is_api and row.method == "POST":
            found.append((row, allowed[0] if allowed else "anonymous"))
    return found


PAGE_POSTS = _page_posts()


def test_every_post_view_is_walked() -> None:
    walked = {row.target for row, _role in PAGE_POSTS}
    posted = {row.target for row in ROWS if not row.is_api and row.method == "POST"}
    assert walked == posted


@pytest.mark.parametrize(("row", "role"), PAGE_POSTS,
                         ids=[f"{row.id} as {role}" for row, role in PAGE_POSTS])
def test_a_post_without_the_csrf_token_is_refused(row: Row, role: str, world: World,
                                                  db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        sign_in(client, world.users[role])
    data = {key: value.format(**world.values) if isinstance(value, str) else value
            for key, value in row.data.items()}
    response = client.post(row.path.format(**world.values),
                           {**data, **{name: pdf() for name in row.files}})
    assert response.status_code == 403, f"{row.id} as {role}: {response.status_code}"


def test_the_api_with_a_browser_session_needs_the_csrf_token(world: World, db: None) -> None:
    """A signed-in browser may call the API (htmx pages do), but a forged request without the
    token is refused; a bearer token is not a cookie, so it needs none."""
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.users["zhangsan"])
    forged = client.post("/api/v1/cases", {"service_code": "QKB-HY-001", "form": {}},
                         content_type="application/json")
    assert forged.status_code in (401, 403)
    bearer = Client(enforce_csrf_checks=True).get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {world.tokens['zhangsan']}"})
    assert bearer.status_code == 200


FORM_RE = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def _get_rows_for(role: str) -> list[Row]:
    return [row for row in ROWS if not row.is_api and row.method == "GET"
            and row.expect[role] == 200]


@pytest.mark.parametrize("role", ["anonymous", "zhangsan", "lisi", "wangwu", "sysadmin",
                                  "secadmin", "auditor"])
def test_every_post_form_on_every_page_carries_the_csrf_token(
    role: str, world: World, client_for: Callable[[str], Client],
) -> None:
    client = client_for(role)
    checked = 0
    for row in _get_rows_for(role):
        if row.path.endswith((".pdf", ".csv", ".json", "/blank_form/", "/healthz")):
            continue
        response = client.get(row.path.format(**world.values))
        if "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for form in FORM_RE.findall(body):
            opening = form[: form.index(">")].lower()
            if 'method="post"' in opening or "hx-post" in opening:
                checked += 1
                assert "csrfmiddlewaretoken" in form or "hx-post" in opening, (
                    f"{row.path}: a POST form without the CSRF token")
        if "hx-post" in body:
            assert '"X-CSRFToken": "' in body, f"{row.path}: htmx posts without the header"
    assert checked > 0
