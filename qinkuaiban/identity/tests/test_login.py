"""Sign-in, lockout per account and per address, and the audit of every sign-in event."""

import datetime
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from qinkuaiban.audit.models import Outcome
from qinkuaiban.identity.models import User
from qinkuaiban.identity.tests.helpers import audit_entries

Attempt = Callable[..., HttpResponse]
PROFILE = "/accounts/profile/"


def test_login_page_reads_in_chinese(client: Client, db: None) -> None:
    response = client.get(reverse("identity:login"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1 id=\"login-title\">登录</h1>" in content
    assert "用户名" in content and "密码" in content


def test_correct_password_signs_in_and_goes_to_the_next_page(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    response = attempt("zhangsan", password, next_url=PROFILE)
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert client.get(PROFILE).status_code == 200


def test_an_outside_next_address_is_ignored(
    zhangsan: User, password: str, attempt: Attempt
) -> None:
    response = attempt("zhangsan", password, next_url="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_wrong_password_shows_one_message_that_does_not_say_which_part_was_wrong(
    client: Client, zhangsan: User, attempt: Attempt
) -> None:
    wrong_password = attempt("zhangsan", "Wrong-Pass-1").content.decode()
    unknown_user = attempt("nobody", "Wrong-Pass-1").content.decode()
    assert "用户名或密码不正确" in wrong_password
    assert "用户名或密码不正确" in unknown_user
    assert "_auth_user_id" not in client.session


def test_successful_login_is_audited_with_the_address(
    zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password, ip="10.9.8.7")
    [entry] = audit_entries("identity.login_succeeded")
    assert entry.actor == zhangsan
    assert entry.ip_address == "10.9.8.7"
    assert entry.outcome == Outcome.SUCCESS
    assert entry.changes["second_factor"] == ""


def test_failed_login_of_a_known_account_is_audited_without_an_actor(
    zhangsan: User, attempt: Attempt
) -> None:
    attempt("zhangsan", "Wrong-Pass-1", ip="10.9.8.7")
    [entry] = audit_entries("identity.login_failed")
    assert entry.actor is None
    assert entry.target_id == str(zhangsan.pk)
    assert entry.changes == {"username": "zhangsan", "channel": "web",
                             "reason": "invalid_credentials"}
    assert entry.ip_address == "10.9.8.7"
    assert entry.outcome == Outcome.FAILURE
    assert "Wrong-Pass-1" not in str(entry.changes)


def test_failed_login_with_an_unknown_username_is_audited_with_that_username(
    db: None, attempt: Attempt
) -> None:
    attempt("no-such-person", "Wrong-Pass-1", ip="10.9.8.6")
    [entry] = audit_entries("identity.login_failed")
    assert entry.actor is None
    assert entry.target_id == ""
    assert entry.changes["username"] == "no-such-person"
    assert entry.ip_address == "10.9.8.6"


def test_logout_needs_a_post_and_is_audited(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password)
    page = client.get(reverse("identity:logout"))
    assert page.status_code == 200
    assert "确定要退出登录吗" in page.content.decode()
    assert client.session.get("_auth_user_id") == str(zhangsan.pk)
    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    [entry] = audit_entries("identity.logged_out")
    assert entry.actor == zhangsan
    assert entry.ip_address == "127.0.0.1"


def test_five_failures_on_one_account_lock_it_whatever_the_address(
    cast: dict[str, User], password: str, attempt: Attempt
) -> None:
    for n in range(4):
        assert attempt("zhangsan", "Wrong-Pass-1", ip=f"10.1.0.{n}").status_code == 200
    # The fifth failure reaches the limit: the lock starts now.
    assert attempt("zhangsan", "Wrong-Pass-1", ip="10.1.0.4").status_code == 429
    # The sixth attempt, with the right password from a fresh address, is refused.
    response = attempt("zhangsan", password, ip="10.1.0.99")
    assert response.status_code == 429
    content = response.content.decode()
    assert "该账号已被锁定 15 分钟" in content
    assert "<h1 id=\"login-title\">登录</h1>" in content
    # The lock is on the account, not on the addresses it was tried from.
    assert attempt("lisi", password, ip="10.1.0.0").status_code == 302


def test_five_failures_from_one_address_lock_the_address_for_every_account(
    cast: dict[str, User], password: str, attempt: Attempt
) -> None:
    for n in range(5):
        attempt(f"guess{n}", "Wrong-Pass-1", ip="10.2.0.1")
    response = attempt("zhangsan", password, ip="10.2.0.1")
    assert response.status_code == 429
    content = response.content.decode()
    assert "网络地址" in content and "已被锁定 15 分钟" in content
    # The same account from another address is not locked.
    assert attempt("zhangsan", password, ip="10.2.0.2").status_code == 302


def test_lockout_message_reads_the_configured_minutes(
    settings: object, cast: dict[str, User], password: str, attempt: Attempt
) -> None:
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)  # type: ignore[attr-defined]
    for n in range(5):
        attempt("zhangsan", "Wrong-Pass-1", ip=f"10.3.0.{n}")
    assert "该账号已被锁定 30 分钟" in attempt("zhangsan", password).content.decode()


def test_every_attempt_while_locked_is_refused_and_audited_as_a_lockout(
    cast: dict[str, User], password: str, attempt: Attempt
) -> None:
    for n in range(5):
        attempt("zhangsan", "Wrong-Pass-1", ip=f"10.4.0.{n}")
    attempt("zhangsan", password, ip="10.4.1.1")
    attempt("zhangsan", password, ip="10.4.1.2")
    failures = audit_entries("identity.login_failed")
    locks = audit_entries("identity.locked_out")
    assert len(failures) == 5  # refused attempts never reach the password check
    assert [e.changes["refused_attempt"] for e in locks] == [False, True, True]
    assert all(e.changes["scope"] == ["account"] for e in locks)
    assert all(e.outcome == Outcome.DENIED and e.actor is None for e in locks)
    assert [e.ip_address for e in locks] == ["10.4.0.4", "10.4.1.1", "10.4.1.2"]
    assert not audit_entries("identity.login_succeeded")


def test_the_lock_is_released_after_the_cool_off(
    settings: object, cast: dict[str, User], password: str, attempt: Attempt
) -> None:
    for n in range(5):
        attempt("zhangsan", "Wrong-Pass-1", ip=f"10.5.0.{n}")
    assert attempt("zhangsan", password).status_code == 429
    # Move the failures back past the configured cool-off instead of waiting 15 minutes.
    cool_off = settings.AXES_COOLOFF_TIME  # type: ignore[attr-defined]
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - cool_off - datetime.timedelta(seconds=1)
        )
    assert attempt("zhangsan", password).status_code == 302


def test_a_successful_login_clears_earlier_failures(
    cast: dict[str, User], password: str, attempt: Attempt
) -> None:
    for _n in range(4):
        attempt("zhangsan", "Wrong-Pass-1")
    assert attempt("zhangsan", password).status_code == 302
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize("active", [False])
def test_a_deactivated_account_cannot_sign_in(
    active: bool, zhangsan: User, password: str, attempt: Attempt
) -> None:
    User.objects.filter(pk=zhangsan.pk).update(is_active=active)
    response = attempt("zhangsan", password)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
