"""`GET /api/v1/cases/{number}?timeline=true` carries the case's one timeline — its history
merged with the rating, rectification and complaints the feedback app registers — under the same
rules per caller as the case page, and keeps every field it had; without asking, the read stays
the two statements it was (ADR 0005)."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.feedback import services as feedback_services
from qinkuaiban.feedback.models import Evaluation, Rectification
from qinkuaiban.feedback.rules import FeedbackKind, TargetType
from qinkuaiban.feedback.tests.factories import completed_case, feedback_items, rate
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.tokens import issue_token
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CASE_FIELDS = {"number", "draft_id", "service_code", "service_name", "status", "outcome",
               "submitted_at", "accepted_at", "completed_at", "due_on", "due_provisional",
               "warning", "handling_org", "visits", "verification_code", "available_actions"}
ENTRY_FIELDS = {"at", "label", "by", "text", "badge"}
COMMENT = "窗口排队两个小时，无人解释"
CONTACT_NOTE = "电话联系评价人，对方情绪激动"
VERIFY_NOTE = "核实：取号系统故障导致延误"
FIX_NOTE = "已修复取号系统，并向您致歉"
CALL_BACK_NOTE = "回访记录：评价人表示理解"


def api(user: User) -> Client:
    raw, _token = issue_token(user=user)
    return Client(headers={"authorization": f"Bearer {raw}"})


def timeline_of(user: User, case: Case) -> list[dict]:
    response = api(user).get(f"/api/v1/cases/{case.number}", {"timeline": "true"})
    assert response.status_code == 200, response.json()
    return response.json()["timeline"]


def shown(entries: list[dict]) -> str:
    return "\n".join(f"{e['label']}|{e['by']}|{e['text']}|{e['badge']}" for e in entries)


@pytest.fixture
def case(cast: dict[str, User], zhangsan: User, lisi: User) -> Case:
    """张三's case, accepted and completed by 李四 at the GOA service centre."""
    return completed_case(make_item(materials=[]), zhangsan, lisi)


@pytest.fixture
def rectified(case: Case, zhangsan: User, wangwu: User) -> Rectification:
    """张三's bad rating, rectified at once and called back by 王五."""
    r = Rectification.objects.get(evaluation=rate(case, zhangsan, 1, comment=COMMENT))
    r = feedback_services.contact_rater(rectification=r, actor=wangwu, note=CONTACT_NOTE)
    r = feedback_services.verify_rating(rectification=r, actor=wangwu, note=VERIFY_NOTE)
    r = feedback_services.rectify(rectification=r, actor=wangwu, note=FIX_NOTE)
    return feedback_services.call_back(rectification=r, actor=wangwu, note=CALL_BACK_NOTE,
                                       satisfied=True)


@pytest.fixture
def supervisor_elsewhere(new_member: Callable[..., User]) -> User:
    """A supervisor in organ B, outside the GOA."""
    return new_member("supervisor_b", "郑九", "organ-b", Role.SUPERVISOR)


def complain(case: Case, actor: User, title: str) -> None:
    feedback_services.submit_feedback(
        kind=FeedbackKind.COMPLAINT, title=title, content="材料交齐后一周无人处理。",
        actor=actor, anonymous=False,
        target=feedback_services.Target(type=TargetType.CASE, case=case))


def test_the_detail_keeps_every_field_and_adds_the_history_oldest_first(case, zhangsan):
    response = api(zhangsan).get(f"/api/v1/cases/{case.number}", {"timeline": "true"})
    data = response.json()
    assert response.status_code == 200
    assert set(data) == CASE_FIELDS | {"timeline"}
    entries = data["timeline"]
    assert all(set(entry) == ENTRY_FIELDS for entry in entries)
    assert [e["label"] for e in entries] == ["创建草稿", "提交", "受理", "办结"]
    assert {e["badge"] for e in entries} == {""}
    assert entries[0]["by"] == "张三" and entries[-1]["by"] == "李四"
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)


def test_the_applicant_sees_their_rating_and_what_they_were_told_but_no_staff_notes(
    case, rectified, zhangsan
):
    entries = timeline_of(zhangsan, case)
    rating = next(e for e in entries if e["badge"] == "服务评价")
    assert rating == {**rating, "label": "对服务的评价：非常不满意", "by": "张三",
                      "text": COMMENT}
    assert [e["label"] for e in entries if e["badge"] == "整改"] == [
        "差评整改：交由机关服务中心办理", "已联系评价人", "已当即整改", "已回访：评价人满意"]
    text = shown(entries)
    assert FIX_NOTE in text
    for note in (CONTACT_NOTE, VERIFY_NOTE, CALL_BACK_NOTE, "已核实评价"):
        assert note not in text
    # The case's own steps come first: the rating follows completion.
    labels = [e["label"] for e in entries]
    assert labels.index("办结") < labels.index("对服务的评价：非常不满意")


def test_the_handler_sees_every_rectification_step_with_its_notes(case, rectified, lisi):
    entries = timeline_of(lisi, case)
    steps = [e for e in entries if e["badge"] == "整改"]
    assert "已核实评价" in [e["label"] for e in steps]
    assert {e["by"] for e in steps} == {None, "王五"}
    text = shown(entries)
    for note in (COMMENT, CONTACT_NOTE, VERIFY_NOTE, FIX_NOTE, CALL_BACK_NOTE):
        assert note in text


def test_a_rating_not_given_under_a_real_name_stays_off_the_staff_timeline(
    case, rectified, zhangsan, lisi
):
    Evaluation.objects.filter(case=case).update(is_real_name=False)
    staff_view = timeline_of(lisi, case)
    assert {e["badge"] for e in staff_view} == {""}
    assert COMMENT not in shown(staff_view)
    assert COMMENT in shown(timeline_of(zhangsan, case))


def test_the_api_and_the_case_page_show_the_same_timeline(client, case, rectified, lisi):
    entries = timeline_of(lisi, case)
    sign_in(client, lisi)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    history = page[page.index('id="history-title"'):]
    history = history[:history.index("</ol>")]
    positions = [history.index(entry["label"]) for entry in entries]
    assert positions == sorted(positions)


def test_without_asking_the_read_stays_two_statements_and_the_timeline_is_null(
    case, rectified, zhangsan, django_assert_num_queries
):
    client = api(zhangsan)
    url = f"/api/v1/cases/{case.number}"
    assert client.get(url).status_code == 200  # stamps the token's last use
    with django_assert_num_queries(2):  # the token with its user and roles; the case
        response = client.get(url)
    data = response.json()
    assert set(data) == CASE_FIELDS | {"timeline"} and data["timeline"] is None
    assert client.get(url, {"timeline": "false"}).json()["timeline"] is None


def test_a_timeline_flag_that_is_not_a_boolean_is_422(case, zhangsan):
    response = api(zhangsan).get(f"/api/v1/cases/{case.number}", {"timeline": "perhaps"})
    assert response.status_code == 422 and response.json()["code"]


@pytest.mark.parametrize("who", ["zhouba", "supervisor_elsewhere", "zhaoliu"])
def test_a_caller_who_may_not_see_the_case_gets_404_and_no_timeline(
    request, case, rectified, who
):
    response = api(request.getfixturevalue(who)).get(f"/api/v1/cases/{case.number}",
                                                      {"timeline": "true"})
    assert response.status_code == 404
    assert "timeline" not in response.json() and COMMENT not in response.content.decode()


# The token lookup (and at most once a minute its last-used stamp), the case, its history, the
# ratings, the rectification steps, the complaints and their replies; staff also resolve their
# organisations.
@pytest.mark.parametrize(("who", "budget"), [("zhangsan", 10), ("lisi", 15)])
def test_the_detail_costs_the_same_few_queries_however_much_feedback_there_is(
    request, case, rectified, zhangsan, who, budget, django_assert_max_num_queries
):
    feedback_items()
    client = api(request.getfixturevalue(who))
    url = f"/api/v1/cases/{case.number}?timeline=true"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    complain(case, zhangsan, "投诉一")
    # The first request also stamps the token's last use.
    count()
    few = count()
    for title in ("投诉二", "投诉三"):
        complain(case, zhangsan, title)
    assert count() == few
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert "投诉三" in shown(response.json()["timeline"])
