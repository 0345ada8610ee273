"""A service whose case kind is not installed yet (the parking permit waits for the allocation
module), or whose guide offers no online handling, says where to apply instead and takes no
online application."""

from django.test import Client
from django.urls import reverse

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.catalogue.demo_items import ITEMS

PLACE = "服务大厅3号窗口"
PHONE = "0791-88001203"


def _parking(**content: object):
    return make_item(kind="parking", materials=[], content={
        "name": "停车证办理", "place": PLACE, "consultation_phone": PHONE, **content})


def test_the_guide_of_a_service_without_its_case_kind_names_the_window_and_the_phone(cast):
    item = _parking()

    body = Client().get(reverse("catalogue:item", args=[item.code])).content.decode()

    assert reverse("cases:apply", kwargs={"code": item.code}) not in body
    assert f"本事项暂未开通网上申请，请到{PLACE}办理，或致电 {PHONE} 咨询办理。" in body


def test_an_applicant_opening_or_posting_the_form_is_told_where_to_apply_and_nothing_is_made(
    zhangsan
):
    item = _parking()
    client = Client()
    client.force_login(zhangsan)
    url = reverse("cases:apply", kwargs={"code": item.code})

    page = client.get(url)
    posted = client.post(url, {"intent": "submit", "form_token": "t" * 24,
                               "f-contact_phone": "13800000001"})

    assert page.status_code == 200 and f"请到{PLACE}办理" in page.content.decode()
    assert posted.status_code == 409 and f"请到{PLACE}办理" in posted.content.decode()
    assert not Case.objects.filter(item=item).exists()


def test_a_service_offered_only_at_the_window_has_no_online_button_even_with_its_kind(cast):
    item = make_item(materials=[], content={"channels": ["window"], "place": PLACE})

    body = Client().get(reverse("catalogue:item", args=[item.code])).content.decode()

    assert reverse("cases:apply", kwargs={"code": item.code}) not in body
    assert f"请到{PLACE}办理" in body


def test_the_demo_parking_permit_is_offered_at_the_window_until_the_allocation_module():
    [parking] = [spec for spec in ITEMS if spec["code"] == "QKB-TC-001"]
    content = parking["content"]

    assert content["channels"] == ["window"] and content["visits"] == 1
    assert not any("网上" in step["name"] for step in content["process_steps"])
