"""The profile page: details, roles, the masked ID number and its audited full view, tokens."""

from django.test import Client
from django.urls import reverse

from qinkuaiban.identity import services
from qinkuaiban.identity.models import ApiToken, User
from qinkuaiban.identity.tests.helpers import audit_entries
from qinkuaiban.identity.tokens import issue_token

PROFILE = "/accounts/profile/"


def test_profile_shows_the_person_and_their_roles_by_organisation_in_chinese(
    client: Client, lisi: User
) -> None:
    client.force_login(lisi)
    content = client.get(PROFILE).content.decode()
    assert "<h1>个人中心</h1>" in content
    assert "李四" in content and "lisi" in content and "13800000003" in content
    assert "<dt>机关服务中心</dt><dd>窗口人员、承办人</dd>" in content
    assert "双因素认证" in content and "修改密码" in content


def test_profile_shows_the_id_number_masked_and_reveals_it_on_request_with_audit(
    client: Client, zhangsan: User
) -> None:
    services.set_id_number(actor=zhangsan, user=zhangsan, id_number="11010519491231002X")
    client.force_login(zhangsan)
    content = client.get(PROFILE).content.decode()
    assert "1101**********002X" in content
    assert "11010519491231002X" not in content
    assert "查看完整号码" in content
    assert client.get(reverse("identity:reveal_id_number")).status_code == 405
    revealed = client.post(reverse("identity:reveal_id_number")).content.decode()
    assert "11010519491231002X" in revealed
    assert "本次查看已记入审计日志" in revealed
    [entry] = audit_entries("identity.id_number_viewed")
    assert entry.actor == zhangsan and entry.target_id == str(zhangsan.pk)


def test_revealing_by_htmx_returns_only_the_fragment(client: Client, zhangsan: User) -> None:
    services.set_id_number(actor=zhangsan, user=zhangsan, id_number="440524188001010014")
    client.force_login(zhangsan)
    response = client.post(reverse("identity:reveal_id_number"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.strip().startswith('<div id="id-number"')
    assert "440524188001010014" in content and "<html" not in content


def test_a_person_creates_a_token_sees_it_once_and_revokes_it(
    client: Client, zhangsan: User
) -> None:
    client.force_login(zhangsan)
    response = client.post(reverse("identity:token_create"), {"name": "报表系统"})
    content = response.content.decode()
    token = ApiToken.objects.get(user=zhangsan)
    assert "它只显示这一次" in content and "报表系统" in content
    assert token.prefix in content
    assert "qkb_" + content.split("qkb_", 1)[1][:10] in content
    assert token.prefix not in client.get(PROFILE).content.decode().split("接口令牌")[0]
    client.post(reverse("identity:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "您没有有效的接口令牌" in client.get(PROFILE).content.decode()


def test_nobody_revokes_another_persons_token_from_the_profile(
    client: Client, zhangsan: User, zhaoliu: User
) -> None:
    _raw, token = issue_token(user=zhangsan)
    client.force_login(zhaoliu)
    assert client.post(reverse("identity:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(PROFILE)
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_an_organisation_is_named_under_its_legal_entity(orgs) -> None:
    assert orgs["organ-a-planning"].qualified_name == "省发改委 规划处"
    assert orgs["organ-a"].qualified_name == "省发展和改革委员会"
