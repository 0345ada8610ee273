import pytest
from django.urls import reverse

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.catalogue.tests.factories import make_item

ACTION = "catalogue.queued_intake_changed"


@pytest.fixture
def item(orgs) -> ServiceItem:
    return make_item(handling_org=orgs["goa-service-centre"], name="会议室预约").item


def _switch(client, item: ServiceItem, enabled: str):
    return client.post(reverse("catalogue:queued_intake", args=[item.code]),
                       {"enabled": enabled}, follow=True)


def test_division_head_switches_the_queued_intake_on_and_off(client, item, wangwu):
    client.force_login(wangwu)

    response = _switch(client, item, "on")
    item.refresh_from_db()
    assert item.queued_intake
    assert response.redirect_chain[-1][0] == reverse("catalogue:manage") + f"#item-{item.code}"
    assert "“会议室预约”已开启排队受理" in response.content.decode()

    response = _switch(client, item, "off")
    item.refresh_from_db()
    assert not item.queued_intake
    assert "“会议室预约”已关闭排队受理" in response.content.decode()
    changes = [e.changes["enabled"] for e in AuditEntry.objects.filter(action=ACTION)
               .order_by("pk")]
    assert changes == [True, False]


def test_pressing_the_button_twice_changes_it_once(client, item, wangwu):
    client.force_login(wangwu)

    _switch(client, item, "on")
    response = _switch(client, item, "on")

    item.refresh_from_db()
    assert item.queued_intake
    assert "已开启排队受理" in response.content.decode()
    assert AuditEntry.objects.filter(action=ACTION).count() == 1


def test_leader_above_the_division_may_switch_it(client, item, sunqi):
    client.force_login(sunqi)

    _switch(client, item, "on")

    item.refresh_from_db()
    assert item.queued_intake


def test_handler_gets_403_and_nothing_changes(client, item, lisi):
    client.force_login(lisi)

    response = client.post(reverse("catalogue:queued_intake", args=[item.code]),
                           {"enabled": "on"})

    assert response.status_code == 403
    item.refresh_from_db()
    assert not item.queued_intake
    assert not AuditEntry.objects.filter(action=ACTION).exists()


def test_another_divisions_head_gets_404_and_nothing_changes(client, orgs, wangwu):
    other = make_item(handling_org=orgs["goa-assets"], code="QKB-CS-002").item
    client.force_login(wangwu)

    response = client.post(reverse("catalogue:queued_intake", args=[other.code]),
                           {"enabled": "on"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.queued_intake


def test_the_switch_only_answers_post(client, item, wangwu):
    client.force_login(wangwu)

    assert client.get(reverse("catalogue:queued_intake", args=[item.code])).status_code == 405


def test_a_post_without_a_choice_changes_nothing_and_says_so(client, item, wangwu):
    client.force_login(wangwu)

    response = _switch(client, item, "")

    item.refresh_from_db()
    assert not item.queued_intake
    assert "请选择开启或关闭排队受理。" in response.content.decode()


def test_manage_page_shows_the_state_and_what_it_means_in_chinese(client, item, wangwu):
    client.force_login(wangwu)
    url = reverse("catalogue:queued_intake", args=[item.code])

    body = client.get(reverse("catalogue:manage")).content.decode()
    assert "高峰期排队受理" in body
    assert "立即获得回执号，数秒内获得办件编号" in body
    assert "办件的提交时间为申请的接收时间" in body
    assert "承诺办理时限自受理次日起按工作日计算" in body
    assert "自该时刻起算" not in body
    assert "申请草稿和窗口登记的申请不受影响" in body
    assert f'action="{url}"' in body
    assert "未开启" in body and 'value="on"' in body
    assert 'name="csrfmiddlewaretoken"' in body

    ServiceItem.objects.filter(pk=item.pk).update(queued_intake=True)
    body = client.get(reverse("catalogue:manage")).content.decode()
    assert "已开启" in body and 'value="off"' in body
