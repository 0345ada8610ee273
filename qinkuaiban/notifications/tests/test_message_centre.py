from collections.abc import Callable
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Message
from qinkuaiban.notifications.services import mark_read
from qinkuaiban.notifications.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def test_the_message_centre_lists_own_messages_newest_first_in_chinese(
    zhangsan: User, login: Login
) -> None:
    now = timezone.now()
    MessageFactory.create(recipient=zhangsan, title="较早的消息",
                          created_at=now - timedelta(days=1))
    MessageFactory.create(recipient=zhangsan, title="最新的消息", created_at=now)

    response = login(zhangsan).get(reverse("notifications:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "消息中心" in page
    assert page.index("最新的消息") < page.index("较早的消息")


def test_unread_messages_are_highlighted_and_read_ones_are_not(
    zhangsan: User, login: Login
) -> None:
    MessageFactory.create(recipient=zhangsan, title="未读的消息")
    MessageFactory.create(recipient=zhangsan, title="已读的消息", read_at=timezone.now())

    page = login(zhangsan).get(reverse("notifications:list")).content.decode()

    assert "<strong>未读的消息</strong>" in page
    assert '<span class="count" aria-hidden="true">1</span>' in page
    assert "<strong>已读的消息</strong>" not in page
    assert page.count('class="badge badge-blue"') == 1


def test_the_unread_filter_shows_only_unread_messages(zhangsan: User, login: Login) -> None:
    MessageFactory.create(recipient=zhangsan, title="未读的消息")
    MessageFactory.create(recipient=zhangsan, title="已读的消息", read_at=timezone.now())

    page = login(zhangsan).get(reverse("notifications:list"), {"show": "unread"}).content.decode()

    assert "未读的消息" in page
    assert "已读的消息" not in page


def test_the_list_is_paginated(zhangsan: User, login: Login) -> None:
    MessageFactory.create_batch(25, recipient=zhangsan)

    first = login(zhangsan).get(reverse("notifications:list"))
    second = login(zhangsan).get(reverse("notifications:list"), {"page": 2})

    assert len(first.context["page_obj"].object_list) == 20
    assert len(second.context["page_obj"].object_list) == 5


def test_a_person_never_sees_another_persons_messages_in_the_list(
    zhangsan: User, zhaoliu: User, login: Login
) -> None:
    MessageFactory.create(recipient=zhaoliu, title="赵六的私人消息")

    page = login(zhangsan).get(reverse("notifications:list")).content.decode()

    assert "赵六的私人消息" not in page


def test_opening_another_persons_message_is_a_404_and_does_not_mark_it_read(
    zhangsan: User, zhaoliu: User, login: Login
) -> None:
    message = MessageFactory.create(recipient=zhaoliu)

    response = login(zhangsan).get(reverse("notifications:detail", args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_opening_a_message_marks_it_read_once_and_keeps_the_first_time(
    zhangsan: User, login: Login
) -> None:
    message = MessageFactory.create(recipient=zhangsan, title="您的申请已受理",
                                    body="请留意后续通知。")
    client = login(zhangsan)

    response = client.get(reverse("notifications:detail", args=[message.pk]))
    message.refresh_from_db()
    first_read = message.read_at
    client.get(reverse("notifications:detail", args=[message.pk]))
    message.refresh_from_db()

    assert response.status_code == 200
    assert "请留意后续通知。" in response.content.decode()
    assert 'href="/cases/QKB-2026-000123/"' in response.content.decode()
    assert first_read is not None
    assert message.read_at == first_read


def test_mark_read_refuses_a_message_of_someone_else(zhangsan: User, zhaoliu: User) -> None:
    from qinkuaiban.core.errors import NotFound

    message = MessageFactory.create(recipient=zhaoliu)

    with pytest.raises(NotFound):
        mark_read(user=zhangsan, message=message)


def test_mark_all_read_with_htmx_returns_the_inbox_and_tells_the_bell(
    zhangsan: User, zhaoliu: User, login: Login
) -> None:
    MessageFactory.create_batch(3, recipient=zhangsan)
    others = MessageFactory.create(recipient=zhaoliu)

    response = login(zhangsan).post(reverse("notifications:mark_all_read"),
                                    headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Trigger"] == "qkb-messages-read"
    assert 'id="inbox"' in response.content.decode()
    assert "<html" not in response.content.decode()
    assert not Message.objects.filter(recipient=zhangsan, read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None


def test_mark_all_read_without_htmx_redirects_back_to_the_list(
    zhangsan: User, login: Login
) -> None:
    MessageFactory.create(recipient=zhangsan)

    response = login(zhangsan).post(reverse("notifications:mark_all_read"), {"show": "unread"})

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list") + "?show=unread"


def test_mark_all_read_needs_a_post(zhangsan: User, login: Login) -> None:
    assert login(zhangsan).get(reverse("notifications:mark_all_read")).status_code == 405


def test_the_message_centre_needs_a_signed_in_user(client: Client) -> None:
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_the_list_page_needs_a_fixed_number_of_queries(
    zhangsan: User, login: Login, django_assert_max_num_queries
) -> None:
    MessageFactory.create_batch(20, recipient=zhangsan)
    client = login(zhangsan)
    client.get(reverse("notifications:list"))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))

    assert len(response.context["page_obj"].object_list) == 20


def _render_badge(user: object) -> str:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    template = Template("{% load notifications_tags %}{% unread_badge %}")
    return template.render(Context({"request": request}))


def test_the_bell_shows_the_unread_count_in_one_query(
    zhangsan: User, django_assert_num_queries
) -> None:
    MessageFactory.create_batch(3, recipient=zhangsan)
    MessageFactory.create(recipient=zhangsan, read_at=timezone.now())

    with django_assert_num_queries(1):
        html = _render_badge(zhangsan)

    assert '<span class="count" aria-hidden="true">3</span>' in html
    assert reverse("notifications:list") in html


def test_the_bell_caps_a_large_count(zhangsan: User) -> None:
    MessageFactory.create_batch(120, recipient=zhangsan)

    assert '<span class="count" aria-hidden="true">99+</span>' in _render_badge(zhangsan)


def test_the_bell_is_empty_for_an_anonymous_visitor(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert _render_badge(AnonymousUser()).strip() == ""


def test_the_bell_fragment_can_be_refreshed(zhangsan: User, login: Login) -> None:
    MessageFactory.create(recipient=zhangsan)

    response = login(zhangsan).get(reverse("notifications:bell"))

    assert response.status_code == 200
    assert 'aria-hidden="true">1</span>' in response.content.decode()
    assert "1 条未读" in response.content.decode()
