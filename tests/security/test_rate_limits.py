"""Guessing is slowed everywhere a secret is checked without a session: sign-in (django-axes),
the token endpoint (the same lockout), public case progress and notice verification, and the
feedback PIN lookup. Each answers 429 once its limit is reached, with a Chinese message."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from qinkuaiban.feedback.models import Feedback
from tests.security.world import World

WRONG = "Wrong-Password-2026!"


def test_sign_in_locks_after_the_configured_failures(world: World, db: None,
                                                     password: str) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "zhangsan", "password": WRONG})
        assert response.status_code == 200
    locked = client.post("/accounts/login/", {"username": "zhangsan", "password": WRONG})
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # The right password does not get through a lock either.
    again = client.post("/accounts/login/", {"username": "zhangsan", "password": password})
    assert again.status_code == 429


def test_the_token_endpoint_shares_the_lockout(world: World, db: None, password: str) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/api/v1/auth/token", {"username": "zhaoliu", "password": WRONG},
                               content_type="application/json")
        assert response.status_code == 401
    locked = client.post("/api/v1/auth/token", {"username": "zhaoliu", "password": WRONG},
                         content_type="application/json")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    right = client.post("/api/v1/auth/token", {"username": "zhaoliu", "password": password},
                        content_type="application/json")
    assert right.status_code == 429


def test_the_lockout_also_holds_the_address_for_other_accounts(world: World, db: None) -> None:
    client = Client()
    for index in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", {"username": f"guess{index}", "password": WRONG},
                    content_type="application/json")
    response = client.post("/accounts/login/", {"username": "lisi", "password": WRONG})
    assert response.status_code == 429


def _exhaust(send: Callable[[], int]) -> list[int]:
    return [send() for _ in range(settings.QKB_PUBLIC_LOOKUP_PER_MINUTE + 1)]


def test_public_progress_lookups_are_limited(world: World, db: None) -> None:
    client = Client()
    statuses = _exhaust(lambda: client.post(
        "/cases/progress/", {"reference": world.values["case_a"], "code": "WRONG1"}).status_code)
    assert statuses[:-1] == [200] * settings.QKB_PUBLIC_LOOKUP_PER_MINUTE
    assert statuses[-1] == 429
    # Even the right code waits now: the limit is on guessing, whatever the guess.
    right = client.post("/cases/progress/", {"reference": world.values["case_a"],
                                             "code": world.values["code_a"]})
    assert right.status_code == 429
    assert "请稍候" in right.content.decode() or "分钟" in right.content.decode()


def test_the_public_progress_api_is_limited(world: World, db: None) -> None:
    client = Client()
    path = f"/api/v1/public/cases/{world.values['case_a']}"
    statuses = _exhaust(lambda: client.get(path, {"code": "WRONG1"}).status_code)
    assert statuses[:-1] == [404] * settings.QKB_PUBLIC_LOOKUP_PER_MINUTE
    assert statuses[-1] == 429
    assert client.get(path, {"code": world.values["code_a"]}).json()["code"] == "rate_limited"


def test_notice_verification_is_limited(world: World, db: None) -> None:
    client = Client()
    statuses = _exhaust(lambda: client.get(
        "/cases/verify/", {"number": world.values["case_a"], "code": "WRONG1"}).status_code)
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}


def test_the_limit_is_per_address(world: World, db: None) -> None:
    for _ in range(settings.QKB_PUBLIC_LOOKUP_PER_MINUTE + 1):
        Client(REMOTE_ADDR="10.0.0.1").post("/cases/progress/", {"reference": "X", "code": "Y"})
    other = Client(REMOTE_ADDR="10.0.0.2").post("/cases/progress/",
                                                {"reference": "X", "code": "Y"})
    assert other.status_code == 200


@pytest.fixture
def anonymous_feedback(world: World, db: None) -> tuple[str, str]:
    """An anonymous complaint with its tracking code and PIN, made through the public API."""
    response = Client(REMOTE_ADDR="10.9.9.9").post("/api/v1/feedback", {
        "kind": "complaint", "title": "窗口态度", "content": "排队时间过长。",
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert Feedback.objects.filter(case__number=body["number"], is_anonymous=True).exists()
    return body["tracking_code"], body["pin"]


def test_the_feedback_pin_lookup_is_limited(anonymous_feedback: tuple[str, str]) -> None:
    tracking_code, pin = anonymous_feedback
    client = Client()
    path = f"/api/v1/feedback/{tracking_code}"
    statuses = _exhaust(lambda: client.get(path, {"pin": "000000"}).status_code)
    assert statuses[:-1] == [404] * settings.QKB_PUBLIC_LOOKUP_PER_MINUTE
    assert statuses[-1] == 429
    assert client.get(path, {"pin": pin}).status_code == 429


def test_the_feedback_tracking_page_is_limited(anonymous_feedback: tuple[str, str]) -> None:
    tracking_code, pin = anonymous_feedback
    client = Client()
    statuses = _exhaust(lambda: client.post("/feedback/track/", {
        "tracking_code": tracking_code, "pin": "000000"}).status_code)
    assert statuses[-1] == 429
    assert client.post("/feedback/track/", {"tracking_code": tracking_code,
                                            "pin": pin}).status_code == 429
