"""The window registers a case for an applicant (只跑一次, 首问负责): with an account or by name,
one case per form token, only for the services of the clerk's own division, errors next to
their field, the htmx fragments, and the page in Chinese."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import selectors, services
from qinkuaiban.cases.models import Attachment, Case, Channel, Status
from qinkuaiban.cases.tests.factories import make_item, pdf, submit
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import Conflict, NotPermitted
from qinkuaiban.identity import services as identity_services
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db

URL = "/cases/register/"
HTMX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    return sign_in(Client(), user)


def materials(item: ServiceItem) -> dict[str, Any]:
    """A scanned PDF for every material of the checklist."""
    assert item.current_version is not None
    return {f"materials-m{m.pk}": pdf(f"{m.name}.pdf")
            for m in item.current_version.materials.all()}


def registration(item: ServiceItem, *, applicant: str, token: str = "reg-1",
                 channel: str = Channel.WINDOW, files: bool = True,
                 **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "item": item.code, "applicant": applicant, "channel": channel, "form_token": token,
        "f-contact_phone": "13800000001",
    }
    if files:
        data.update(materials(item))
    data.update(overrides)
    return data


@pytest.fixture
def property_handler(orgs: dict[str, Organisation]) -> User:
    """钱九, a handler of the property division: not of the service centre."""
    user = identity_services.create_user(
        actor=None, username="qianjiu", real_name="钱九", password="Qkb-Test-2026!",
        mobile="13800000010", validate_password=False,
    )
    identity_services.grant_role(actor=None, user=user, organisation=orgs["goa-property"],
                                 role=Role.HANDLER)
    return user


# --- registering --------------------------------------------------------------------------


def test_a_clerk_registers_a_case_for_an_applicant_with_an_account(
    item: ServiceItem, lisi: User, zhangsan: User
) -> None:
    client = signed_in(lisi)
    response = client.post(URL, registration(item, applicant=str(zhangsan.pk)))

    case = Case.objects.get(item=item)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert case.applicant == zhangsan and case.applicant_org is not None
    assert case.registered_by == lisi and case.responsible == lisi
    assert case.channel == Channel.WINDOW
    assert case.status == Status.SUBMITTED and case.number
    assert case.idempotency_key.startswith("web:")
    # Coming to the window was the applicant's one visit (只跑一次).
    assert case.visits == 1
    assert list(case.visit_records.values_list("recorded_by", flat=True)) == [lisi.pk]
    stored = {a.material.name for a in Attachment.objects.filter(case=case)
              if a.material is not None}
    assert stored == {"申请函", "清单", "鉴定报告"}
    assert all(a.uploaded_by == lisi for a in Attachment.objects.filter(case=case))
    page = client.get(response["Location"]).content.decode()
    assert f"办件 {case.number} 已为张三登记" in page
    assert case.verification_code in page


def test_a_clerk_registers_a_case_for_someone_without_an_account(
    item: ServiceItem, lisi: User
) -> None:
    response = signed_in(lisi).post(URL, registration(
        item, applicant="none", channel=Channel.PHONE, submitter_name="陈来电",
        submitter_contact="0791-88123456", files=False,
    ))

    case = Case.objects.get(item=item)
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert case.applicant is None
    assert case.submitter_name == "陈来电" and case.submitter_contact == "0791-88123456"
    assert case.channel == Channel.PHONE and case.responsible == lisi
    assert case.status == Status.SUBMITTED
    assert case.visits == 0 and not case.visit_records.exists()  # a phone call is no visit


def test_the_same_form_token_twice_makes_one_case(
    item: ServiceItem, lisi: User, zhangsan: User
) -> None:
    client = signed_in(lisi)
    first = client.post(URL, registration(item, applicant=str(zhangsan.pk), token="twice"))
    second = client.post(URL, registration(item, applicant=str(zhangsan.pk), token="twice"))

    assert Case.objects.filter(item=item).count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_the_registered_case_shows_who_registered_it_and_the_channel(
    item: ServiceItem, lisi: User, zhangsan: User
) -> None:
    signed_in(lisi).post(URL, registration(item, applicant=str(zhangsan.pk)))
    case = Case.objects.get(item=item)

    page = signed_in(zhangsan).get(reverse("cases:detail", args=[case.number])).content.decode()

    assert "<dt>登记人</dt><dd>李四</dd>" in page
    assert "<dt>渠道</dt><dd>窗口办理</dd>" in page


def test_an_online_case_names_no_separate_registering_person(
    item: ServiceItem, zhangsan: User
) -> None:
    case = submit(item, zhangsan)

    page = signed_in(zhangsan).get(reverse("cases:detail", args=[case.number])).content.decode()

    assert "登记人" not in page


# --- errors -------------------------------------------------------------------------------


def test_a_missing_required_field_is_shown_and_nothing_is_created(
    item: ServiceItem, lisi: User, zhangsan: User
) -> None:
    data = registration(item, applicant=str(zhangsan.pk))
    data["f-contact_phone"] = ""

    response = signed_in(lisi).post(URL, data)

    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_f-contact_phone_error"' in body
    assert "请修改标出的内容" in body
    assert "文件未被保留" in body
    # The chosen applicant stays chosen.
    assert f'value="{zhangsan.pk}" checked' in body
    assert not Case.objects.exists()


def test_choosing_no_applicant_is_an_error_on_the_applicant(
    item: ServiceItem, lisi: User
) -> None:
    data = registration(item, applicant="", files=False)

    response = signed_in(lisi).post(URL, data)

    assert response.status_code == 422
    assert 'id="applicant-error"' in response.content.decode()
    assert not Case.objects.exists()


def test_without_an_account_the_name_and_contact_are_needed(
    item: ServiceItem, lisi: User
) -> None:
    response = signed_in(lisi).post(URL, registration(item, applicant="none", files=False))

    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_submitter_name_error"' in body and 'id="id_submitter_contact_error"' in body
    assert not Case.objects.exists()


def test_an_account_that_is_not_an_applicant_cannot_be_chosen(
    item: ServiceItem, lisi: User, wangwu: User
) -> None:
    response = signed_in(lisi).post(URL, registration(item, applicant=str(wangwu.pk)))

    assert response.status_code == 422
    assert "没有找到该申请人账号" in response.content.decode()
    assert not Case.objects.exists()


def test_online_is_not_a_channel_the_window_registers(
    item: ServiceItem, lisi: User, zhangsan: User
) -> None:
    response = signed_in(lisi).post(URL, registration(
        item, applicant=str(zhangsan.pk), channel=Channel.ONLINE))

    assert response.status_code == 422
    assert 'id="id_channel_error"' in response.content.decode()
    assert not Case.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_service_with_its_status(
    item: ServiceItem, lisi: User, zhangsan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> Case:
        raise Conflict("该服务事项暂停受理。", code="item_not_published")

    monkeypatch.setattr(services, "submit_case", refuse)

    response = signed_in(lisi).post(URL, registration(item, applicant=str(zhangsan.pk)))

    body = response.content.decode()
    assert response.status_code == 409
    assert 'id="id_item_error"' in body and "该服务事项暂停受理。" in body


# --- who may register what ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["zhangsan", "zhaoliu", "wangwu", "sunqi", "zhouba",
                                  "sysadmin", "secadmin", "auditor"])
def test_only_window_clerks_and_handlers_may_open_the_page(
    cast: dict[str, User], name: str
) -> None:
    assert signed_in(cast[name]).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in() -> None:
    response = Client().get(URL)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_handler_of_another_division_is_not_offered_the_service_and_cannot_register_it(
    item: ServiceItem, property_handler: User, property_division: Organisation,
    zhangsan: User
) -> None:
    own = make_item(handling_org=property_division)
    client = signed_in(property_handler)

    page = client.get(URL).content.decode()
    assert own.code in page and item.code not in page

    response = client.post(URL, registration(item, applicant=str(zhangsan.pk)))
    assert response.status_code == 422
    assert 'id="id_item_error"' in response.content.decode()
    assert not Case.objects.exists()

    client.post(URL, registration(own, applicant=str(zhangsan.pk), token="own"))
    assert Case.objects.get().item == own


def test_enquiries_have_their_own_page_and_are_not_offered_here(
    item: ServiceItem, enquiry_item: ServiceItem, lisi: User
) -> None:
    page = signed_in(lisi).get(URL).content.decode()

    assert item.code in page and enquiry_item.code not in page


def test_the_registrable_items_follow_the_services_own_rule(
    cast: dict[str, User], item: ServiceItem, enquiry_item: ServiceItem,
    property_handler: User, property_division: Organisation
) -> None:
    other = make_item(handling_org=property_division, materials=[])
    people = [*cast.values(), property_handler]
    for person in people:
        offered = set(selectors.items_registrable_by(actor=person))
        for candidate in (item, enquiry_item, other):
            try:
                services.submit_case(actor=person, item=candidate,
                                     form={"contact_phone": "13800000001"},
                                     channel=Channel.WINDOW, submitter_name="来访人")
                allowed = True
            except NotPermitted:
                allowed = False
            assert (candidate in offered) == allowed, (person.username, candidate.code)


# --- the page and its fragments -----------------------------------------------------------


def test_the_page_reads_in_chinese(item: ServiceItem, lisi: User) -> None:
    response = signed_in(lisi).get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>登记办件</h1>" in body
    assert "查找申请人账号" in body and "无账号，按姓名和联系方式登记" in body
    assert "窗口办理" in body and "电话" in body and "现场" in body
    assert "请先选择服务事项" in body


def test_choosing_a_service_swaps_in_its_form_and_materials_checklist(
    item: ServiceItem, lisi: User
) -> None:
    response = signed_in(lisi).get(URL, {"item": item.code}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="service-details"' in body
    assert 'name="f-contact_phone"' in body and "联系电话" in body
    assert "申请函" in body and "鉴定报告" in body and "容缺" in body
    assert 'name="materials-other"' in body


def test_an_item_chosen_without_htmx_fills_the_whole_page(item: ServiceItem, lisi: User) -> None:
    body = signed_in(lisi).get(URL, {"item": item.code}).content.decode()

    assert "<html" in body and 'name="f-contact_phone"' in body


def test_the_applicant_search_lists_applicants_with_masked_mobiles_and_no_id_numbers(
    lisi: User, zhangsan: User
) -> None:
    identity_services.set_id_number(actor=zhangsan, user=zhangsan,
                                    id_number="11010519491231002X")

    response = signed_in(lisi).get(URL, {"q": "张"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'value="{zhangsan.pk}"' in body and "张三" in body and "省发改委 规划处" in body
    assert "138****0001" in body and "13800000001" not in body
    assert "1101" not in body and "002X" not in body


def test_the_applicant_search_finds_by_mobile_and_username_but_never_staff(
    lisi: User, zhangsan: User, zhaoliu: User, wangwu: User
) -> None:
    found_by_mobile = selectors.applicants_matching(actor=lisi, query="1380000000")
    found_by_username = selectors.applicants_matching(actor=lisi, query="zhaoliu")
    staff = selectors.applicants_matching(actor=lisi, query="王五")

    assert {p.pk for p in found_by_mobile} == {zhangsan.pk, zhaoliu.pk}
    assert [p.pk for p in found_by_username] == [zhaoliu.pk]
    assert staff == []


def test_nobody_but_registering_staff_finds_applicants(
    zhangsan: User, wangwu: User, cast: dict[str, User]
) -> None:
    for name in ("zhangsan", "wangwu", "sunqi", "sysadmin"):
        assert selectors.applicants_matching(actor=cast[name], query="张") == [], name


def test_a_search_that_finds_nobody_says_so(lisi: User) -> None:
    body = signed_in(lisi).get(URL, {"q": "不存在的人"}, headers=HTMX).content.decode()

    assert "没有与“不存在的人”相符的申请人账号" in body


def test_the_search_keeps_the_chosen_applicant_at_the_top(
    lisi: User, zhangsan: User, zhaoliu: User
) -> None:
    body = signed_in(lisi).get(URL, {"q": "赵", "applicant": str(zhangsan.pk)},
                               headers=HTMX).content.decode()

    assert f'value="{zhangsan.pk}" checked' in body and f'value="{zhaoliu.pk}"' in body


def test_the_window_finds_the_page_in_the_menu_and_on_the_queue(
    lisi: User, wangwu: User
) -> None:
    clerk_queue = signed_in(lisi).get(reverse("cases:queue")).content.decode()
    head_queue = signed_in(wangwu).get(reverse("cases:queue")).content.decode()

    assert clerk_queue.count(f'href="{URL}"') >= 2  # the menu and the queue's button
    assert f'href="{URL}"' not in head_queue


def test_the_applicant_search_costs_the_same_few_queries_however_many_match(
    lisi: User, orgs: dict[str, Organisation], django_assert_max_num_queries: Any
) -> None:
    for n in range(15):
        person = identity_services.create_user(
            actor=None, username=f"zhang{n}", real_name=f"张{n}号", password="Qkb-Test-2026!",
            mobile=f"1390000{n:04d}", validate_password=False)
        identity_services.grant_role(actor=None, user=person, organisation=orgs["organ-c-budget"],
                                     role=Role.APPLICANT)
    client = signed_in(lisi)

    # The session, the user and their roles, the matches and their organisations.
    with django_assert_max_num_queries(10):
        body = client.get(URL, {"q": "张"}, headers=HTMX).content.decode()

    assert body.count('name="applicant"') == selectors.APPLICANT_SEARCH_LIMIT
    assert "仅显示前 10 个结果" in body
