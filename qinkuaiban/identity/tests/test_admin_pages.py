"""Account and security administration pages: who sees them (a matrix over the cast), and
what they do. Everybody but the one administrator a page belongs to gets 404."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from qinkuaiban.identity.models import Membership, Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.testing import login_verified
from qinkuaiban.identity.tests.helpers import audit_entries

CAST = ["zhangsan", "zhaoliu", "lisi", "wangwu", "sunqi", "zhouba", "sysadmin", "secadmin",
        "auditor"]
PAGE_OWNER = {"users": "sysadmin", "user_create": "sysadmin", "user_detail": "sysadmin",
              "security": "secadmin"}


def _url(page: str, cast: dict[str, User]) -> str:
    if page == "user_detail":
        return reverse("identity:user_detail", args=[cast["zhangsan"].pk])
    return reverse(f"identity:{page}")


@pytest.mark.parametrize("page", sorted(PAGE_OWNER))
@pytest.mark.parametrize("name", CAST)
def test_administration_pages_are_seen_only_by_their_administrator(
    client: Client, cast: dict[str, User], name: str, page: str
) -> None:
    login_verified(client, cast[name])
    response = client.get(_url(page, cast))
    assert response.status_code == (200 if PAGE_OWNER[page] == name else 404)


@pytest.mark.parametrize(
    ("url_name", "args"),
    [("user_grant_role", True), ("user_deactivate", True), ("user_reactivate", True),
     ("user_reset_password", True), ("user_reveal_id_number", True),
     ("security_release", False)],
)
@pytest.mark.parametrize("name", ["lisi", "auditor", "secadmin", "sysadmin"])
def test_administration_actions_refuse_everyone_else(
    client: Client, cast: dict[str, User], name: str, url_name: str, args: bool
) -> None:
    owner = "secadmin" if url_name == "security_release" else "sysadmin"
    if name == owner:
        return
    login_verified(client, cast[name])
    url = reverse(f"identity:{url_name}", args=[cast["zhangsan"].pk] if args else [])
    assert client.post(url, {"kind": "account", "value": "zhangsan"}).status_code == 404


def test_administration_pages_send_anonymous_visitors_to_sign_in(
    client: Client, cast: dict[str, User]
) -> None:
    for page in PAGE_OWNER:
        assert client.get(_url(page, cast))["Location"].startswith("/accounts/login/")


def test_the_account_list_searches_and_stays_within_a_query_budget(
    client: Client, sysadmin: User, django_assert_max_num_queries: object
) -> None:
    login_verified(client, sysadmin)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        content = client.get(reverse("identity:users")).content.decode()
    assert "<h1>账号管理</h1>" in content
    assert "zhangsan" in content and "zhaoliu" in content
    found = client.get(reverse("identity:users"), {"q": "张三"}).content.decode()
    assert "zhangsan" in found and "zhaoliu" not in found
    by_mobile = client.get(reverse("identity:users"), {"q": "13800000002"}).content.decode()
    assert "zhaoliu" in by_mobile and "zhangsan" not in by_mobile


def test_creating_an_account_from_the_page(client: Client, sysadmin: User) -> None:
    login_verified(client, sysadmin)
    response = client.post(reverse("identity:user_create"), {
        "real_name": "冯九", "username": "fengjiu", "mobile": "13800000010",
        "id_number": "440524188001010014", "password": "Initial-Pass-9",
        "password_again": "Initial-Pass-9",
    })
    user = User.objects.get(username="fengjiu")
    assert response["Location"] == reverse("identity:user_detail", args=[user.pk])
    assert user.has_temporary_password and user.id_number_masked == "4405**********0014"
    assert audit_entries("identity.user_created")[-1].actor == sysadmin


def test_account_form_errors_are_shown_in_chinese(client: Client, sysadmin: User) -> None:
    login_verified(client, sysadmin)
    content = client.post(reverse("identity:user_create"), {
        "real_name": "冯九", "username": "zhangsan", "mobile": "12345",
        "id_number": "110105194912310021", "password": "weakweak", "password_again": "weakweak",
    }).content.decode()
    assert "请输入 11 位中国大陆手机号码" in content
    assert "请输入有效的 18 位公民身份号码" in content
    assert not User.objects.filter(username="fengjiu").exists()


def test_granting_a_role_from_the_page_and_the_separation_rule_shown(
    client: Client, sysadmin: User, zhangsan: User, orgs: dict[str, Organisation]
) -> None:
    login_verified(client, sysadmin)
    url = reverse("identity:user_grant_role", args=[zhangsan.pk])
    refused = client.post(url, {"role": Role.AUDIT_ADMIN, "organisation": orgs["goa"].pk})
    assert refused.status_code == 422
    assert "管理员账号只能有一个角色" in refused.content.decode()
    granted = client.post(url, {"role": Role.HANDLER, "organisation": orgs["goa"].pk})
    assert granted.status_code == 302
    membership = Membership.objects.get(user=zhangsan, role=Role.HANDLER)
    revoke = reverse("identity:user_revoke_role", args=[zhangsan.pk, membership.pk])
    assert client.post(revoke).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deactivating_from_the_page(client: Client, sysadmin: User, zhangsan: User) -> None:
    login_verified(client, sysadmin)
    response = client.post(reverse("identity:user_deactivate", args=[zhangsan.pk]),
                           {"reason": "退休"}, follow=True)
    assert "账号已停用" in response.content.decode()
    zhangsan.refresh_from_db()
    assert not zhangsan.is_active


def test_the_security_page_lists_lockouts_and_releases_them_with_audit(
    client: Client, secadmin: User, zhangsan: User, password: str
) -> None:
    for n in range(5):
        client.post("/accounts/login/", {"username": "zhangsan", "password": "Wrong-1"},
                    REMOTE_ADDR=f"10.8.0.{n}")
    login_verified(client, secadmin)
    content = client.get(reverse("identity:security")).content.decode()
    assert "当前锁定" in content and "zhangsan" in content
    assert "15 分钟" in content and "安全策略" in content
    response = client.post(reverse("identity:security_release"),
                           {"kind": "account", "value": "zhangsan"}, follow=True)
    assert "zhangsan 的锁定已解除" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()
    [entry] = audit_entries("identity.lockout_released")
    assert entry.actor == secadmin and entry.changes["kind"] == "account"
    client.logout()
    assert client.post("/accounts/login/", {"username": "zhangsan", "password": password},
                       REMOTE_ADDR="10.8.1.1").status_code == 302


def test_the_security_page_names_administrators_without_two_factor(
    client: Client, secadmin: User, sysadmin: User
) -> None:
    login_verified(client, secadmin)
    content = client.get(reverse("identity:security")).content.decode()
    assert "钱系统" in content and "郑审计" in content


def test_the_organisation_choices_name_the_parent(
    client: Client, sysadmin: User, zhangsan: User
) -> None:
    login_verified(client, sysadmin)
    content = client.get(reverse("identity:user_detail", args=[zhangsan.pk])).content.decode()
    assert "省发改委 / 办公室" in content and "省教育厅 / 办公室" in content
