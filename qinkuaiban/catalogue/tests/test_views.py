import io

import pytest
from django.urls import reverse

from qinkuaiban.catalogue import services
from qinkuaiban.catalogue.demo import seed_demo_data
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.catalogue.tests.factories import make_item
from qinkuaiban.core.errors import Conflict


@pytest.fixture
def demo(db):
    seed_demo_data(stdout=io.StringIO())


def test_guide_home_reads_in_chinese_without_signing_in(client, demo):
    response = client.get(reverse("catalogue:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "“勤快办”服务指南" in body
    assert "集中办公区停车证办理" in body
    for badge in ("一次不跑", "只跑一次", "马上就办", "上门服务"):
        assert badge in body


def test_guide_home_runs_a_fixed_number_of_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(reverse("catalogue:home"))
    with django_assert_max_num_queries(3):
        client.get(reverse("catalogue:home"), {"by": "org"})


def test_guide_home_groups_by_handling_division(client, demo):
    body = client.get(reverse("catalogue:home"), {"by": "org"}).content.decode()

    assert "房地产管理处" in body and "资产管理处" in body


@pytest.mark.parametrize("query", ["停车", "tingche", "tc"])
def test_guide_search_finds_parking(client, demo, query):
    body = client.get(reverse("catalogue:home"), {"q": query}).content.decode()

    assert "集中办公区停车证办理" in body
    assert "周转住房配租申请" not in body


def test_htmx_search_returns_only_the_results(client, demo):
    response = client.get(reverse("catalogue:home"), {"q": "tc"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "集中办公区停车证办理" in body
    assert "<html" not in body


def test_item_page_shows_the_whole_guide(client, demo):
    response = client.get(reverse("catalogue:item", args=["QKB-ZF-001"]))

    body = response.content.decode()
    assert response.status_code == 200
    for text in ("周转住房配租申请", "受理条件", "本市不动产登记查询结果", "容缺", "必要",
                 "法定办结时限", "压缩", "办理流程", "常见问题", "0791-88009999", "承诺"):
        assert text in body, text


def test_item_page_links_to_online_application_when_a_case_kind_handles_it(client, demo):
    body = client.get(reverse("catalogue:item", args=["QKB-GC-001"])).content.decode()
    assert reverse("cases:apply", kwargs={"code": "QKB-GC-001"}) in body


def test_item_page_says_how_to_apply_while_its_case_kind_is_not_available(client, demo):
    # Parking permits wait for the allocation module that registers the "parking" kind.
    body = client.get(reverse("catalogue:item", args=["QKB-TC-001"])).content.decode()
    assert reverse("cases:apply", kwargs={"code": "QKB-TC-001"}) not in body
    assert "暂未开通网上申请" in body


def test_unknown_and_unpublished_items_are_404(client, orgs):
    make_item(handling_org=orgs["goa-service-centre"], code="QKB-CG-001", publish=False)

    assert client.get(reverse("catalogue:item", args=["QKB-NO-001"])).status_code == 404
    assert client.get(reverse("catalogue:item", args=["QKB-CG-001"])).status_code == 404
    assert client.get(reverse("catalogue:version", args=["QKB-CG-001", 1])).status_code == 404


def test_old_version_page_keeps_showing_the_guide_a_case_was_submitted_under(client, orgs):
    first = make_item(handling_org=orgs["goa-service-centre"], name="旧名称")
    draft = services.start_new_version(actor=None, item=first.item)
    services.update_draft(actor=None, version=draft, content={"name": "新名称"})
    services.publish_version(actor=None, version=draft)

    old = client.get(reverse("catalogue:version", args=[first.item.code, 1])).content.decode()
    current = client.get(reverse("catalogue:item", args=[first.item.code])).content.decode()

    assert "旧名称" in old and "已被替换" in old
    assert "新名称" in current


def test_division_head_edits_and_publishes_a_new_version(client, demo, wangwu):
    client.force_login(wangwu)
    item = ServiceItem.objects.get(code="QKB-TC-001")

    response = client.post(reverse("catalogue:start_version", args=[item.code]))
    assert response.status_code == 302
    edit_url = reverse("catalogue:edit", args=[item.code, 2])
    page = client.get(edit_url)
    assert page.status_code == 200
    form = page.context["form"]
    formset = page.context["formset"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if k != "result_sample"}
    data.update({"name": "停车证办理（新版）", "promised_days": "2", "publish": "1"})
    data["service_objects"] = ["natural_person"]
    data["channels"] = ["online"]
    for key in ("is_instant", "is_charged", "has_appointment"):
        if not data.get(key):
            data.pop(key, None)
    data.update({
        "materials-TOTAL_FORMS": "1", "materials-INITIAL_FORMS": str(formset.initial_form_count()),
        "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "60",
        "materials-0-name": "机动车行驶证", "materials-0-necessity": "required",
        "materials-0-original_or_copy": "copy", "materials-0-medium": "electronic",
        "materials-0-copies": "1", "materials-0-ORDER": "1",
    })

    response = client.post(edit_url, data)

    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    current = item.current_version
    assert current is not None
    assert (current.number, current.name) == (2, "停车证办理（新版）")
    assert [m.name for m in current.materials.all()] == ["机动车行驶证"]


def test_edit_form_shows_the_rule_broken_next_to_the_field(client, demo, wangwu):
    client.force_login(wangwu)
    item = ServiceItem.objects.get(code="QKB-TC-001")
    draft = services.start_new_version(actor=wangwu, item=item)
    page = client.get(reverse("catalogue:edit", args=[item.code, draft.number]))
    data = {k: ("" if v is None else v) for k, v in
            ((name, page.context["form"][name].value()) for name in page.context["form"].fields)
            if k != "result_sample"}
    data.update({"promised_days": "30", "channels": ["online"], "service_objects": []})
    data.update({"materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0",
                 "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "60"})
    data = {k: v for k, v in data.items() if v is not False}

    response = client.post(reverse("catalogue:edit", args=[item.code, draft.number]), data)

    assert response.status_code == 200
    assert "承诺办结时限" in response.content.decode()
    assert response.context["form"].errors["promised_days"]


def test_bad_form_declaration_is_shown_with_its_problems(client, demo, wangwu):
    client.force_login(wangwu)
    item = ServiceItem.objects.get(code="QKB-TC-001")
    draft = services.start_new_version(actor=wangwu, item=item)
    url = reverse("catalogue:edit", args=[item.code, draft.number])
    form = client.get(url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value())
            for name in form.fields if name != "result_sample"}
    data = {k: v for k, v in data.items() if v is not False}
    data.update({"form_fields": '[{"name": "x", "label": "甲", "type": "colour"}]',
                 "materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "colour" not in str(response.context["form"].cleaned_data.get("form_fields", ""))
    assert response.context["form"].errors["form_fields"]


@pytest.mark.parametrize("person", ["zhangsan", "lisi", "zhouba"])
def test_people_without_editing_rights_get_403_on_the_editing_pages(client, demo, cast, person):
    client.force_login(cast[person])

    assert client.get(reverse("catalogue:manage")).status_code == 403
    assert client.post(reverse("catalogue:start_version", args=["QKB-TC-001"])).status_code == 403


def test_division_head_sees_only_their_divisions_items_and_gets_404_for_others(
    client, demo, wangwu
):
    client.force_login(wangwu)

    body = client.get(reverse("catalogue:manage")).content.decode()
    assert "集中办公区停车证办理" in body
    assert "周转住房配租申请" not in body
    assert client.post(reverse("catalogue:start_version", args=["QKB-ZF-001"])).status_code == 404


def test_editing_pages_ask_anonymous_visitors_to_sign_in(client, demo):
    response = client.get(reverse("catalogue:manage"))

    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_manage_page_query_count_does_not_grow_with_items(
    client, demo, sunqi, django_assert_max_num_queries
):
    client.force_login(sunqi)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalogue:manage"))
    assert response.status_code == 200


def test_new_item_is_created_as_a_draft_by_the_division_head(client, orgs, wangwu):
    client.force_login(wangwu)

    response = client.post(reverse("catalogue:create"), {
        "code": "QKB-XY-001", "name": "洗衣服务", "kind": "generic", "category": "logistics",
        "handling_org": orgs["goa-service-centre"].pk, "conditions": "在职人员。",
        "legal_days": "5", "promised_days": "2", "complaint_phone": "0791-88009999",
    })

    assert response.status_code == 302
    item = ServiceItem.objects.get(code="QKB-XY-001")
    assert item.status == "draft"
    assert item.versions.get().agency_name == "省机关事务管理局"


def test_retiring_asks_first_then_takes_the_service_out_and_it_can_be_put_back(
    client, orgs, wangwu
):
    item = make_item(handling_org=orgs["goa-service-centre"]).item
    client.force_login(wangwu)
    retire_url = reverse("catalogue:retire", args=[item.code])

    manage = client.get(reverse("catalogue:manage")).content.decode()
    assert f'href="{retire_url}"' in manage  # a link to the question, not a one-click form
    question = client.get(retire_url)
    assert question.status_code == 200 and "停用" in question.content.decode()
    item.refresh_from_db()
    assert item.status == "published"

    client.post(retire_url)
    item.refresh_from_db()
    assert item.status == "retired"
    assert client.get(reverse("catalogue:item", args=[item.code])).status_code == 404

    manage = client.get(reverse("catalogue:manage")).content.decode()
    assert reverse("catalogue:restore", args=[item.code]) in manage
    client.post(reverse("catalogue:restore", args=[item.code]))
    item.refresh_from_db()
    assert item.status == "published"
    assert client.get(reverse("catalogue:item", args=[item.code])).status_code == 200


def test_only_a_retired_service_can_be_put_back(orgs, wangwu):
    item = make_item(handling_org=orgs["goa-service-centre"]).item

    with pytest.raises(Conflict):
        services.restore_item(actor=wangwu, item=item)
