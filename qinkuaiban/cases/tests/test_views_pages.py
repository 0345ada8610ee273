"""The case pages by role: who gets the page, who gets a 404 (or 403 for staff-only pages),
that every page reads in Chinese, and that list pages run a bounded number of queries."""

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.tests.factories import signed_in, submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User
from qinkuaiban.identity.testing import login_verified

pytestmark = pytest.mark.django_db



@pytest.fixture
def case(item: ServiceItem, zhangsan: User) -> Case:
    return submit(item, zhangsan)


@pytest.mark.parametrize(("who", "expected"), [
    ("zhangsan", 200), ("zhaoliu", 404), ("lisi", 200), ("wangwu", 200), ("sunqi", 200),
    ("zhouba", 404),
])
def test_case_detail_is_shown_to_the_applicant_and_handling_staff_only(
    case: Case, cast: dict[str, User], who: str, expected: int
) -> None:
    response = signed_in(cast[who]).get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == expected


def test_an_administrator_gets_404_for_a_case(case: Case, sysadmin: User) -> None:
    client = Client()
    login_verified(client, sysadmin)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404


def test_handler_elsewhere_gets_404_for_the_case(case: Case, qianjiu: User) -> None:
    response = signed_in(qianjiu).get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(case: Case) -> None:
    response = Client().get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_case_detail_reads_in_chinese_with_the_guide_version_link(
    case: Case, lisi: User
) -> None:
    response = signed_in(lisi).get(reverse("cases:detail", args=[case.number]))
    body = response.content.decode()
    assert "办理过程" in body
    assert "受理" in body
    assert reverse("catalogue:version", args=[case.item.code, case.version.number]) in body


def test_applicant_sees_no_staff_actions_on_a_submitted_case(case: Case, zhangsan: User) -> None:
    body = signed_in(zhangsan).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert reverse("cases:act", args=[case.number, "accept"]) not in body
    assert reverse("cases:act", args=[case.number, "withdraw"]) in body


def test_handler_sees_the_actions_the_core_offers_him(case: Case, lisi: User) -> None:
    body = signed_in(lisi).get(reverse("cases:detail", args=[case.number])).content.decode()
    for action in ("accept", "request_supplement", "reject", "transfer"):
        assert reverse("cases:act", args=[case.number, action]) in body
    assert reverse("cases:act", args=[case.number, "withdraw"]) not in body


def test_leader_may_look_but_is_offered_no_action(case: Case, sunqi: User) -> None:
    body = signed_in(sunqi).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert reverse("cases:act", args=[case.number, "accept"]) not in body


def test_my_cases_lists_own_cases_and_drafts_but_not_anothers(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    mine = submit(item, cast["zhangsan"])
    draft = build(Status.DRAFT, item=item, cast=cast)
    theirs = submit(item, cast["zhaoliu"])
    response = signed_in(cast["zhangsan"]).get(reverse("cases:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "我的办件" in body
    assert str(mine.number) in body
    assert reverse("cases:draft", args=[draft.pk]) in body
    assert str(theirs.number) not in body


def test_my_cases_filters_drafts(item: ServiceItem, cast: dict[str, User]) -> None:
    open_case = submit(item, cast["zhangsan"])
    draft = build(Status.DRAFT, item=item, cast=cast)
    body = signed_in(cast["zhangsan"]).get(reverse("cases:mine") + "?show=drafts").content.decode()
    assert reverse("cases:draft", args=[draft.pk]) in body
    assert str(open_case.number) not in body


def test_my_cases_runs_a_bounded_number_of_queries(
    item: ServiceItem, zhangsan: User, django_assert_max_num_queries: object
) -> None:
    for _n in range(6):
        submit(item, zhangsan)
    client = signed_in(zhangsan)
    client.get(reverse("cases:mine"))
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(reverse("cases:mine"))
    assert response.status_code == 200


def test_the_case_page_reads_what_its_parts_share_once(
    case: Case, lisi: User, django_assert_max_num_queries: object
) -> None:
    client = signed_in(lisi)
    client.get(reverse("cases:detail", args=[case.number]))
    # The checklist, the pending transfer and the open door visit are fetched once for the
    # page, its action forms and their guards (not once by each part that asks). One more
    # asks whether a complaint or suggestion was filed about the case, for the timeline, and
    # one checks the calendar is current for the review deadline shown to staff.
    with django_assert_max_num_queries(29):  # type: ignore[operator]
        response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200


def test_work_queue_is_for_staff_only(zhangsan: User) -> None:
    assert signed_in(zhangsan).get(reverse("cases:queue")).status_code == 403


def test_work_queue_shows_open_cases_of_the_organisation_with_counts(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    submitted = submit(item, cast["zhangsan"])
    accepted = build(Status.ACCEPTED, item=item, cast=cast)
    completed = build(Status.COMPLETED, item=item, cast=cast)
    response = signed_in(cast["lisi"]).get(reverse("cases:queue"))
    body = response.content.decode()
    assert "办件队列" in body
    assert str(submitted.number) in body and str(accepted.number) in body
    assert str(completed.number) not in body
    assert response.context["total"] == 2


def test_work_queue_filters_by_status_and_htmx_gets_the_results_only(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    submitted = submit(item, cast["zhangsan"])
    accepted = build(Status.ACCEPTED, item=item, cast=cast)
    response = signed_in(cast["lisi"]).get(
        reverse("cases:queue") + "?status=accepted", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert str(accepted.number) in body
    assert str(submitted.number) not in body
    assert "<html" not in body


def test_work_queue_of_another_division_is_empty(
    item: ServiceItem, cast: dict, qianjiu: User
) -> None:
    case = submit(item, cast["zhangsan"])
    body = signed_in(qianjiu).get(reverse("cases:queue")).content.decode()
    assert str(case.number) not in body


def test_work_queue_runs_a_bounded_number_of_queries(
    item: ServiceItem, cast: dict[str, User], django_assert_max_num_queries: object
) -> None:
    for _n in range(4):
        submit(item, cast["zhangsan"])
        build(Status.ACCEPTED, item=item, cast=cast)
    client = signed_in(cast["lisi"])
    client.get(reverse("cases:queue"))
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get(reverse("cases:queue") + "?warning=normal&overdue=on")
    assert response.status_code == 200


def test_cases_index_sends_staff_to_the_queue_and_applicants_to_their_cases(
    lisi: User, zhangsan: User
) -> None:
    assert signed_in(lisi).get(reverse("cases:index"))["Location"] == reverse("cases:queue")
    assert signed_in(zhangsan).get(reverse("cases:index"))["Location"] == reverse("cases:mine")
