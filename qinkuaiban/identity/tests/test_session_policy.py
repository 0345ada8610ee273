"""SessionPolicyMiddleware: idle timeout, password expiry, and two factors for administrators."""

import datetime
import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.identity import services
from qinkuaiban.identity.middleware import LAST_ACTIVITY_KEY
from qinkuaiban.identity.models import User
from qinkuaiban.identity.testing import login_verified
from qinkuaiban.identity.tests.helpers import audit_entries, totp_device_for

Attempt = Callable[..., HttpResponse]
PROFILE = "/accounts/profile/"


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_longer_than_the_limit_is_ended_and_the_login_page_says_so(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password)
    assert client.get(PROFILE).status_code == 200
    _idle_for(client, 31 * 60)
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Faccounts%2Fprofile%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "会话已超时" in page
    [entry] = audit_entries("identity.session_expired")
    assert entry.actor == zhangsan
    assert entry.changes["idle_minutes"] == 30
    assert entry.ip_address == "127.0.0.1"
    assert not audit_entries("identity.logged_out")


def test_the_timeout_notice_is_shown_once(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password)
    _idle_for(client, 31 * 60)
    client.get(PROFILE)
    assert "会话已超时" in client.get("/accounts/login/").content.decode()
    assert "会话已超时" not in client.get("/accounts/login/").content.decode()


def test_activity_within_the_limit_keeps_the_session_alive(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password)
    _idle_for(client, 29 * 60)
    assert client.get(PROFILE).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_pages_read_within_a_minute_do_not_write_the_session(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password)
    client.get(PROFILE)
    recorded = client.session[LAST_ACTIVITY_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE).status_code == 200
    assert not [q for q in queries
                if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    assert client.session[LAST_ACTIVITY_KEY] == recorded
    _idle_for(client, 61)
    client.get(PROFILE)
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_the_idle_limit_follows_the_configuration(
    settings: object, client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    settings.SESSION_COOKIE_AGE = 10 * 60  # type: ignore[attr-defined]
    attempt("zhangsan", password)
    _idle_for(client, 11 * 60)
    assert client.get(PROFILE).status_code == 302


def test_htmx_requests_of_an_expired_session_are_told_to_redirect(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    attempt("zhangsan", password)
    _idle_for(client, 31 * 60)
    response = client.get(PROFILE, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_an_old_password_sends_the_user_to_change_it(
    client: Client, zhangsan: User
) -> None:
    User.objects.filter(pk=zhangsan.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(zhangsan)
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:password_change")
    page = client.get(reverse("identity:password_change"))
    assert page.status_code == 200
    assert "您的密码已使用超过 90 天" in page.content.decode()
    assert client.get(reverse("identity:logout")).status_code == 200
    # The API is not held back by an expired password.
    assert client.get("/api/v1/auth/me").status_code == 200


def test_password_expiry_can_be_switched_off(
    settings: object, client: Client, zhangsan: User
) -> None:
    settings.QKB_PASSWORD_MAX_AGE_DAYS = 0  # type: ignore[attr-defined]
    User.objects.filter(pk=zhangsan.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=900))
    client.force_login(zhangsan)
    assert client.get(PROFILE).status_code == 200


def test_changing_the_expired_password_lets_the_user_in_again(
    client: Client, zhangsan: User, password: str
) -> None:
    User.objects.filter(pk=zhangsan.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(zhangsan)
    response = client.post(reverse("identity:password_change"), {
        "current_password": password, "new_password": "Brand-New-Pass-7",
        "new_password_again": "Brand-New-Pass-7",
    })
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200


def test_a_temporary_password_must_be_changed_at_the_first_sign_in(
    client: Client, sysadmin: User, password: str, attempt: Attempt
) -> None:
    services.create_user(actor=sysadmin, username="newhire", real_name="钱新人",
                         password="Temp-Pass-2026", temporary_password=True)
    attempt("newhire", "Temp-Pass-2026")
    response = client.get(PROFILE)
    assert response["Location"] == reverse("identity:password_change")
    assert "您的密码由管理员设置" in client.get(response["Location"]).content.decode()


def test_an_administrator_without_a_device_is_sent_to_set_one_up(
    client: Client, sysadmin: User, password: str, attempt: Attempt
) -> None:
    attempt("sysadmin", password)
    response = client.get(PROFILE)
    assert response["Location"] == reverse("identity:two_factor_setup")
    setup = client.get(reverse("identity:two_factor_setup"))
    assert setup.status_code == 200
    assert "管理员账号必须使用双因素认证登录" in setup.content.decode()


def test_an_administrator_with_a_device_but_unverified_session_is_sent_to_the_code_page(
    client: Client, auditor: User
) -> None:
    totp_device_for(auditor)
    client.force_login(auditor)
    response = client.get(PROFILE)
    assert response["Location"] == reverse("identity:two_factor_verify")


def test_an_unverified_administrator_session_cannot_use_the_api(
    client: Client, secadmin: User
) -> None:
    client.force_login(secadmin)
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_required"


def test_a_verified_administrator_reaches_every_page(client: Client, secadmin: User) -> None:
    login_verified(client, secadmin)
    assert client.get(PROFILE).status_code == 200
    assert client.get(reverse("identity:security")).status_code == 200


def test_users_without_an_administrator_role_need_no_second_factor(
    client: Client, lisi: User
) -> None:
    client.force_login(lisi)
    assert client.get(PROFILE).status_code == 200


def test_static_files_are_never_held_back(client: Client, sysadmin: User) -> None:
    client.force_login(sysadmin)
    response = client.get("/static/identity/identity.css")
    assert response.status_code != 302


def test_a_django_superuser_also_needs_a_second_factor(client: Client, db: None) -> None:
    root = User.objects.create_superuser(username="root", real_name="运维", password="x")
    client.force_login(root)
    assert client.get(PROFILE)["Location"] == reverse("identity:two_factor_setup")
