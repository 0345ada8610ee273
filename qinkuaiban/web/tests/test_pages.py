from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CAST = ["zhangsan", "zhaoliu", "lisi", "wangwu", "sunqi", "zhouba", "sysadmin", "secadmin",
        "auditor"]


def test_the_home_page_explains_the_platform_in_chinese_to_anonymous_visitors(
    client: Client,
) -> None:
    response = client.get(reverse("web:home"))
    content = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="zh-hans">' in content
    for pledge in ("一次不跑", "只跑一次", "马上就办", "上门服务"):
        assert pledge in content
    assert 'href="#main"' in content


def test_the_home_page_offers_sign_in_when_the_login_page_exists(client: Client) -> None:
    content = client.get(reverse("web:home")).content.decode()

    assert reverse("identity:login") in content
    assert "登录" in content


@pytest.mark.parametrize("username", CAST)
def test_the_home_page_is_a_chinese_dashboard_for_each_member_of_the_cast(
    client: Client, cast: dict[str, User], username: str
) -> None:
    user = cast[username]
    sign_in(client, user)

    response = client.get(reverse("web:home"))
    content = response.content.decode()

    assert response.status_code == 200
    assert f"您好，{user.real_name}" in content
    assert "您可以在这里办理" in content
    assert reverse("identity:logout") in content


def test_the_system_administrator_sees_calendar_warnings(
    client: Client, sysadmin: User, zhangsan: User
) -> None:
    warning = "2027 年的工作日历尚未导入"
    with mock.patch("qinkuaiban.web.selectors.calendar_warnings", return_value=[warning]):
        content = sign_in(client, sysadmin).get(reverse("web:home")).content.decode()
        assert warning in content
        client.logout()
        content = sign_in(client, zhangsan).get(reverse("web:home")).content.decode()
        assert warning not in content


def test_the_layout_loads_only_vendored_assets_and_no_inline_script(client: Client) -> None:
    content = client.get(reverse("web:home")).content.decode()

    assert "/static/web/vendor/htmx.min.js" in content
    assert "/static/web/qkb.css" in content
    assert "<script>" not in content and " onclick=" not in content and "<style" not in content
    assert '"includeIndicatorStyles": false' in content


def test_the_health_check_reports_ok_without_a_session(client: Client) -> None:
    response = client.get(reverse("web:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies
    assert not Session.objects.exists()


def test_the_health_check_reports_503_when_the_database_is_unreachable(client: Client) -> None:
    with mock.patch(
        "qinkuaiban.web.views.connection.cursor", side_effect=OperationalError("connection lost")
    ):
        response = client.get(reverse("web:healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_an_unknown_page_is_a_chinese_404(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_error_pages_render_in_chinese_without_a_request() -> None:
    from django.template.loader import render_to_string

    assert "服务器出现错误" in render_to_string("500.html")
    assert "请求无效" in render_to_string("400.html")
    assert "服务暂不可用" in render_to_string("503.html", {"detail": "x"})


def test_the_language_switcher_turns_the_page_into_english(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert '<html lang="en">' in response.content.decode()
    assert "Zero visits" in response.content.decode()


def test_the_health_check_answers_plain_http_even_when_https_is_enforced(
    client: Client, settings
) -> None:
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("web:healthz")).status_code == 200
    assert client.get(reverse("web:home")).status_code == 301
