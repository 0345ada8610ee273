"""The security administrator resets a lost second factor (三员分立: nobody else, never their
own), with a reason, audited; the person sets up a new authenticator afterwards."""

from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity import services
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.testing import login_verified
from qinkuaiban.identity.tests.factories import make_user
from qinkuaiban.identity.tests.helpers import audit_entries, current_code, totp_device_for
from qinkuaiban.notifications.models import Message

Attempt = Callable[..., HttpResponse]
SECURITY = "/accounts/security/"
SETUP = "/accounts/two-factor/setup/"
REASON = "手机丢失，已当面核验居民身份证"


def _reset_url(user: User) -> str:
    return reverse("identity:user_reset_two_factor", args=[user.pk])


def _with_backup_codes(user: User) -> list[str]:
    """Two factors switched on the way the setup page does it; returns the backup codes."""
    device = services.start_totp_setup(user=user)
    return services.confirm_totp_device(actor=user, device=device, token=current_code(device))


# --- the service ------------------------------------------------------------------------------


def test_the_security_administrator_resets_the_authenticator_and_the_backup_codes(
    secadmin: User, zhangsan: User
) -> None:
    _with_backup_codes(zhangsan)
    services.reset_two_factor(actor=secadmin, user=zhangsan, reason=f"  {REASON} ")
    assert not TOTPDevice.objects.filter(user=zhangsan).exists()
    assert not StaticDevice.objects.filter(user=zhangsan).exists()
    assert not StaticToken.objects.filter(device__user=zhangsan).exists()
    assert services.backup_codes_left(zhangsan) == 0
    [entry] = audit_entries("identity.two_factor_reset")
    assert entry.actor == secadmin and entry.target_id == str(zhangsan.pk)
    assert entry.changes == {"reason": REASON, "backup_codes_removed": 10, "revoked_credentials": 0}


def test_the_person_is_told_in_the_message_centre(secadmin: User, zhangsan: User) -> None:
    _with_backup_codes(zhangsan)
    services.reset_two_factor(actor=secadmin, user=zhangsan, reason=REASON)
    [message] = Message.objects.filter(recipient=zhangsan, kind="identity.two_factor_reset")
    assert message.title == "您的双因素认证已被重置"
    assert "仅凭密码即可登录" in message.body
    assert message.url == reverse("identity:profile")


def test_an_administrator_is_told_to_set_up_a_new_authenticator(
    secadmin: User, sysadmin: User
) -> None:
    totp_device_for(sysadmin)
    services.reset_two_factor(actor=secadmin, user=sysadmin, reason=REASON)
    [message] = Message.objects.filter(recipient=sysadmin, kind="identity.two_factor_reset")
    assert "下次登录时须重新设置身份验证器" in message.body


def test_an_administrator_sets_up_a_new_authenticator_at_the_next_sign_in(
    client: Client, secadmin: User, sysadmin: User, password: str, attempt: Attempt
) -> None:
    _with_backup_codes(sysadmin)
    services.reset_two_factor(actor=secadmin, user=sysadmin, reason=REASON)
    # No code step any more: the password signs in, and every page then asks for the setup.
    assert attempt("sysadmin", password)["Location"] == "/"
    assert client.get(reverse("identity:users"))["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=False)
    client.post(SETUP, {"token": current_code(device)})
    assert client.get(reverse("identity:users")).status_code == 200


def test_an_open_administrator_session_ends_and_the_next_sign_in_goes_to_the_setup_page(
    client: Client, secadmin: User, sysadmin: User
) -> None:
    login_verified(client, sysadmin)
    assert client.get(reverse("identity:users")).status_code == 200
    services.reset_two_factor(actor=secadmin, user=sysadmin, reason=REASON)
    assert client.get(reverse("identity:users"))["Location"].startswith(
        reverse("identity:login"))
    client.force_login(User.objects.get(pk=sysadmin.pk))
    assert client.get(reverse("identity:users"))["Location"] == SETUP


def test_the_old_backup_codes_no_longer_work(
    client: Client, secadmin: User, sysadmin: User, password: str, attempt: Attempt
) -> None:
    codes = _with_backup_codes(sysadmin)
    services.reset_two_factor(actor=secadmin, user=sysadmin, reason=REASON)
    attempt("sysadmin", password)
    client.post(reverse("identity:two_factor_verify"), {"token": codes[0]})
    assert client.get(reverse("identity:users"))["Location"] == SETUP


def test_the_security_administrator_cannot_reset_their_own_second_factor(
    secadmin: User,
) -> None:
    _with_backup_codes(secadmin)
    with pytest.raises(NotPermitted) as refused:
        services.reset_two_factor(actor=secadmin, user=secadmin, reason=REASON)
    assert refused.value.code == "own_two_factor" and refused.value.http_status == 403
    assert TOTPDevice.objects.filter(user=secadmin, confirmed=True).exists()
    assert services.backup_codes_left(secadmin) == 10
    assert not audit_entries("identity.two_factor_reset")


def test_another_security_administrator_resets_the_first_ones(
    secadmin: User, orgs: dict[str, Organisation]
) -> None:
    colleague = make_user(username="anquan2", real_name="冯安全")
    services.grant_role(actor=None, user=colleague, organisation=orgs["goa-security"],
                        role=Role.SECURITY_ADMIN)
    _with_backup_codes(secadmin)
    services.reset_two_factor(actor=colleague, user=secadmin, reason=REASON)
    assert not TOTPDevice.objects.filter(user=secadmin).exists()


@pytest.mark.parametrize("name", ["sysadmin", "auditor", "lisi", "zhaoliu"])
def test_nobody_but_the_security_administrator_resets_a_second_factor(
    cast: dict[str, User], name: str
) -> None:
    zhangsan = cast["zhangsan"]
    _with_backup_codes(zhangsan)
    with pytest.raises(NotPermitted) as refused:
        services.reset_two_factor(actor=cast[name], user=zhangsan, reason=REASON)
    assert refused.value.http_status == 403
    assert TOTPDevice.objects.filter(user=zhangsan, confirmed=True).exists()
    assert services.backup_codes_left(zhangsan) == 10


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_reset_needs_a_reason(secadmin: User, zhangsan: User, reason: str) -> None:
    totp_device_for(zhangsan)
    with pytest.raises(InvalidInput) as refused:
        services.reset_two_factor(actor=secadmin, user=zhangsan, reason=reason)
    assert refused.value.code == "reason_required" and refused.value.http_status == 422
    assert TOTPDevice.objects.filter(user=zhangsan).exists()


def test_an_account_without_an_authenticator_has_nothing_to_reset(
    secadmin: User, zhangsan: User
) -> None:
    with pytest.raises(Conflict) as refused:
        services.reset_two_factor(actor=secadmin, user=zhangsan, reason=REASON)
    assert refused.value.code == "otp_not_enabled" and refused.value.http_status == 409
    # A setup begun but never confirmed is not two-factor authentication either.
    services.start_totp_setup(user=zhangsan)
    with pytest.raises(Conflict):
        services.reset_two_factor(actor=secadmin, user=zhangsan, reason=REASON)
    assert not audit_entries("identity.two_factor_reset")


# --- the security page ------------------------------------------------------------------------


def test_the_security_administrator_finds_the_account_and_sees_the_reset_form(
    client: Client, secadmin: User, sysadmin: User
) -> None:
    login_verified(client, secadmin)
    totp_device_for(sysadmin)
    content = client.get(SECURITY, {"q": "钱系统"}).content.decode()
    assert "<h2 id=\"reset-two-factor-title\">重置丢失的双因素认证</h2>" in content
    assert f'action="{_reset_url(sysadmin)}"' in content
    assert "重置原因" in content and "重置双因素认证</button>" in content
    assert "系统管理员" in content  # the roles help to recognise the person


def test_an_account_without_two_factor_gets_no_reset_form(
    client: Client, secadmin: User, zhangsan: User
) -> None:
    login_verified(client, secadmin)
    content = client.get(SECURITY, {"q": "zhangsan"}).content.decode()
    assert _reset_url(zhangsan) not in content
    assert "没有符合条件且已启用双因素认证的账号" in content


def test_the_security_administrator_gets_no_form_for_their_own_account(
    client: Client, secadmin: User
) -> None:
    login_verified(client, secadmin)
    content = client.get(SECURITY, {"q": "secadmin"}).content.decode()
    assert _reset_url(secadmin) not in content
    assert "这是您本人的账号" in content


def test_the_security_page_without_a_search_lists_no_accounts(
    client: Client, secadmin: User, sysadmin: User
) -> None:
    login_verified(client, secadmin)
    totp_device_for(sysadmin)
    content = client.get(SECURITY).content.decode()
    assert "查找账号" in content and _reset_url(sysadmin) not in content


def test_the_search_stays_within_a_query_budget(
    client: Client, secadmin: User, django_assert_max_num_queries: object
) -> None:
    login_verified(client, secadmin)
    for n in range(8):
        totp_device_for(make_user(username=f"staff{n}", real_name=f"职员{n}"))
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        content = client.get(SECURITY, {"q": "staff"}).content.decode()
    assert content.count("重置双因素认证</button>") == 8


def test_the_system_administrator_sees_who_resets_but_no_form(
    client: Client, sysadmin: User, zhangsan: User
) -> None:
    login_verified(client, sysadmin)
    totp_device_for(zhangsan)
    content = client.get(reverse("identity:user_detail", args=[zhangsan.pk])).content.decode()
    assert "身份验证器丢失的，由安全管理员重置" in content
    assert _reset_url(zhangsan) not in content


def test_resetting_from_the_security_page(
    client: Client, secadmin: User, zhangsan: User
) -> None:
    _with_backup_codes(zhangsan)
    login_verified(client, secadmin)
    response = client.post(_reset_url(zhangsan), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == SECURITY
    page = client.get(response["Location"]).content.decode()
    assert "张三 的双因素认证已重置，原身份验证器应用和备用码均已失效。" in page
    assert not TOTPDevice.objects.filter(user=zhangsan).exists()
    [entry] = audit_entries("identity.two_factor_reset")
    assert entry.actor == secadmin and entry.changes["reason"] == REASON


def test_a_missing_reason_is_shown_on_the_page_in_chinese(
    client: Client, secadmin: User, zhangsan: User
) -> None:
    totp_device_for(zhangsan)
    login_verified(client, secadmin)
    response = client.post(_reset_url(zhangsan), {"reason": "  "})
    assert response.status_code == 422
    content = response.content.decode()
    assert f'id="id_reset_{zhangsan.pk}_reason_error"' in content
    assert "必填项" in content
    assert f'action="{_reset_url(zhangsan)}"' in content  # the form again, for this account
    assert TOTPDevice.objects.filter(user=zhangsan).exists()


def test_a_refused_reset_is_explained_on_the_page_in_chinese(
    client: Client, secadmin: User, zhangsan: User
) -> None:
    login_verified(client, secadmin)
    response = client.post(_reset_url(zhangsan), {"reason": REASON})
    assert response.status_code == 422
    assert "尚未启用双因素认证。" in response.content.decode()
    own = client.post(_reset_url(secadmin), {"reason": REASON})
    assert own.status_code == 422
    assert "不能重置本人的双因素认证" in own.content.decode()
    assert TOTPDevice.objects.filter(user=secadmin).exists()


@pytest.mark.parametrize("name", ["sysadmin", "auditor", "lisi", "zhangsan"])
def test_everyone_else_gets_404_from_the_reset(
    client: Client, cast: dict[str, User], name: str
) -> None:
    target = cast["zhaoliu"]
    totp_device_for(target)
    login_verified(client, cast[name])
    assert client.post(_reset_url(target), {"reason": REASON}).status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()


def test_the_reset_is_a_post_behind_sign_in(
    client: Client, secadmin: User, zhangsan: User
) -> None:
    assert client.post(_reset_url(zhangsan), {"reason": REASON})["Location"].startswith(
        "/accounts/login/")
    login_verified(client, secadmin)
    assert client.get(_reset_url(zhangsan)).status_code == 405
    assert client.post(reverse("identity:user_reset_two_factor", args=[999999]),
                       {"reason": REASON}).status_code == 404


def test_the_reset_needs_the_csrf_token(secadmin: User, zhangsan: User) -> None:
    totp_device_for(zhangsan)
    client = Client(enforce_csrf_checks=True)
    login_verified(client, secadmin)
    assert client.post(_reset_url(zhangsan), {"reason": REASON}).status_code == 403
    assert TOTPDevice.objects.filter(user=zhangsan).exists()
