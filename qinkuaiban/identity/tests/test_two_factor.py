"""Two-step sign-in with an authenticator app, setup, backup codes, and switching it off."""

import time
from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.core.errors import NotPermitted
from qinkuaiban.identity import services
from qinkuaiban.identity.models import User
from qinkuaiban.identity.testing import login_verified
from qinkuaiban.identity.tests.helpers import audit_entries, current_code, totp_device_for
from qinkuaiban.identity.views import PENDING_LOGIN_KEY

Attempt = Callable[..., HttpResponse]
PROFILE = "/accounts/profile/"
VERIFY = "/accounts/login/verify/"


def _wrong_code(device: TOTPDevice) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def test_a_user_with_a_device_gives_the_password_then_the_code(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    device = totp_device_for(zhangsan)
    assert attempt("zhangsan", password, next_url=PROFILE)["Location"] == VERIFY
    # The password alone does not sign in.
    assert "_auth_user_id" not in client.session
    assert client.get(PROFILE).status_code == 302
    page = client.get(VERIFY)
    assert "请打开手机上的身份验证器应用" in page.content.decode()
    response = client.post(VERIFY, {"token": current_code(device)})
    assert response["Location"] == PROFILE
    assert client.session["_auth_user_id"] == str(zhangsan.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(PROFILE).status_code == 200
    [entry] = audit_entries("identity.login_succeeded")
    assert entry.changes["second_factor"] == "totp"


def test_a_wrong_code_is_refused_audited_and_counted_toward_the_lockout(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    device = totp_device_for(zhangsan)
    attempt("zhangsan", password)
    response = client.post(VERIFY, {"token": _wrong_code(device)})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    [entry] = audit_entries("identity.login_failed")
    assert entry.changes == {"username": "zhangsan", "channel": "web", "reason": "invalid_otp"}


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    device = totp_device_for(zhangsan)
    attempt("zhangsan", password, ip="10.7.0.1")
    statuses = []
    for _n in range(5):
        device.throttle_reset()
        statuses.append(client.post(VERIFY, {"token": _wrong_code(device)},
                                    REMOTE_ADDR="10.7.0.1").status_code)
    assert statuses == [200, 200, 200, 200, 429]
    response = attempt("zhangsan", password, ip="10.7.0.2")
    assert response.status_code == 429
    assert "该账号已被锁定" in response.content.decode()


def test_a_throttled_device_asks_to_wait_instead_of_checking(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    device = totp_device_for(zhangsan)
    attempt("zhangsan", password)
    client.post(VERIFY, {"token": _wrong_code(device)})
    response = client.post(VERIFY, {"token": current_code(device)})
    assert "请稍等片刻再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_expires_after_five_minutes(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    device = totp_device_for(zhangsan)
    attempt("zhangsan", password)
    session = client.session
    session[PENDING_LOGIN_KEY] = {**session[PENDING_LOGIN_KEY], "at": int(time.time()) - 301}
    session.save()
    response = client.post(VERIFY, {"token": current_code(device)})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_step_goes_back_to_sign_in(
    client: Client, db: None
) -> None:
    assert client.get(VERIFY)["Location"] == "/accounts/login/"


def test_a_backup_code_works_once(
    client: Client, zhangsan: User, password: str, attempt: Attempt
) -> None:
    device = services.start_totp_setup(user=zhangsan)
    codes = services.confirm_totp_device(actor=zhangsan, device=device,
                                         token=current_code(device))
    assert len(codes) == 10 and len(set(codes)) == 10
    attempt("zhangsan", password)
    assert client.post(VERIFY, {"token": codes[0].upper()})["Location"] == "/"
    assert audit_entries("identity.login_succeeded")[0].changes["second_factor"] == "backup_code"
    client.post(reverse("identity:logout"))
    assert services.backup_codes_left(zhangsan) == 9
    attempt("zhangsan", password)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_setup_shows_an_inline_qr_code_and_the_secret_without_outside_services(
    client: Client, zhangsan: User
) -> None:
    client.force_login(zhangsan)
    response = client.get(reverse("identity:two_factor_setup"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content and 'class="otp-qr"' in content
    device = TOTPDevice.objects.get(user=zhangsan, confirmed=False)
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert secret[:4] + " " + secret[4:8] in content
    assert "<img" not in content  # drawn inline: no image fetched from anywhere
    assert "otpauth://" not in content  # the URL is inside the QR only
    # Reloading keeps the same secret, so a half-finished scan still works.
    client.get(reverse("identity:two_factor_setup"))
    assert TOTPDevice.objects.filter(user=zhangsan).count() == 1


def test_setup_is_confirmed_with_a_code_and_shows_backup_codes(
    client: Client, zhangsan: User
) -> None:
    client.force_login(zhangsan)
    client.get(reverse("identity:two_factor_setup"))
    device = TOTPDevice.objects.get(user=zhangsan)
    wrong = client.post(reverse("identity:two_factor_setup"), {"token": _wrong_code(device)})
    assert "验证码不正确" in wrong.content.decode()
    device.throttle_reset()
    response = client.post(reverse("identity:two_factor_setup"), {"token": current_code(device)})
    content = response.content.decode()
    assert "双因素认证已启用" in content
    assert content.count("<li>") >= 10
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=zhangsan).count() == 10
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert [e.action for e in audit_entries("identity.two_factor_enabled")] == [
        "identity.two_factor_enabled"]


def test_an_administrator_completes_setup_and_then_reaches_pages(
    client: Client, sysadmin: User, password: str, attempt: Attempt
) -> None:
    attempt("sysadmin", password)
    client.get(reverse("identity:two_factor_setup"))
    device = TOTPDevice.objects.get(user=sysadmin)
    client.post(reverse("identity:two_factor_setup"), {"token": current_code(device)})
    assert client.get(reverse("identity:users")).status_code == 200


def test_administrators_cannot_switch_two_factor_off(client: Client, secadmin: User) -> None:
    login_verified(client, secadmin)
    with pytest.raises(NotPermitted):
        services.disable_two_factor(actor=secadmin, user=secadmin)
    response = client.post(reverse("identity:two_factor_disable"), follow=True)
    assert "管理员必须保持启用双因素认证" in response.content.decode()
    assert TOTPDevice.objects.filter(user=secadmin, confirmed=True).exists()


def test_other_users_may_switch_two_factor_off_and_it_is_audited(
    client: Client, zhangsan: User
) -> None:
    login_verified(client, zhangsan)
    response = client.post(reverse("identity:two_factor_disable"), follow=True)
    assert "双因素认证已关闭" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=zhangsan).exists()
    [entry] = audit_entries("identity.two_factor_disabled")
    assert entry.actor == zhangsan


def test_nobody_switches_off_someone_elses_two_factor(zhangsan: User, sysadmin: User) -> None:
    totp_device_for(zhangsan)
    with pytest.raises(NotPermitted):
        services.disable_two_factor(actor=sysadmin, user=zhangsan)


def test_new_backup_codes_replace_the_old_ones(client: Client, zhangsan: User) -> None:
    device = services.start_totp_setup(user=zhangsan)
    old = services.confirm_totp_device(actor=zhangsan, device=device, token=current_code(device))
    login_verified(client, zhangsan)
    response = client.post(reverse("identity:backup_codes"))
    assert response.status_code == 200
    new = set(StaticToken.objects.filter(device__user=zhangsan).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    assert audit_entries("identity.backup_codes_regenerated")
