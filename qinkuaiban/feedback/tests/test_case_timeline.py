"""The feedback in a case's timeline: the rating, a bad rating's rectification and complaints
about the case, as each viewer may see them — on the case page, merged with the case's own
history, and on the public progress page, where only the bare facts show."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.timeline import timeline_sources
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Evaluation, Feedback, Rectification
from qinkuaiban.feedback.rules import AppealDecision, AppealGround, FeedbackKind, Plan, TargetType
from qinkuaiban.feedback.selectors import case_feedback_events, case_feedback_public_steps
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in

CONTACT_NOTE = "电话联系评价人，对方情绪激动"
VERIFY_NOTE = "核实：取号系统故障导致延误"
FIX_NOTE = "已修复取号系统，并向您致歉"
CALL_BACK_NOTE = "回访记录：评价人表示理解"
COMMENT = "排队两个小时，无人解释"


@pytest.fixture
def case(item: ServiceItem, zhangsan: User, lisi: User) -> Case:
    return completed_case(item, zhangsan, lisi)


@pytest.fixture
def rectified(case: Case, zhangsan: User, wangwu: User) -> Rectification:
    """张三's bad rating, rectified at once and called back by 王五 (who took no part in the
    case itself, so his name shows only through the rectification)."""
    evaluation = rate(case, zhangsan, 1, comment=COMMENT)
    r = Rectification.objects.get(evaluation=evaluation)
    r = services.contact_rater(rectification=r, actor=wangwu, note=CONTACT_NOTE)
    r = services.verify_rating(rectification=r, actor=wangwu, note=VERIFY_NOTE)
    r = services.rectify(rectification=r, actor=wangwu, note=FIX_NOTE)
    return services.call_back(rectification=r, actor=wangwu, note=CALL_BACK_NOTE,
                              satisfied=True)


def complaint_about(case: Case, actor: User | None, title: str = "办理拖延") -> Feedback:
    return services.submit_feedback(
        kind=FeedbackKind.COMPLAINT, title=title, content="材料交齐后一周无人处理。",
        actor=actor, anonymous=actor is None,
        target=services.Target(type=TargetType.CASE, case=case)).feedback


def texts(entries: list) -> str:
    return "\n".join(f"{e.label}|{e.by}|{e.text}|{e.badge}" for e in entries)


def test_the_feedback_app_contributes_to_the_case_timeline() -> None:
    assert "feedback" in {source.slug for source in timeline_sources()}


# --- the selector: who sees what ----------------------------------------------------------------


def test_the_applicant_sees_their_rating_and_what_they_were_told_but_no_staff_notes(
    case, rectified, zhangsan
):
    entries = case_feedback_events(case=case, actor=zhangsan)
    shown = texts(entries)
    assert [e.label for e in entries] == [
        "对服务的评价：非常不满意", "差评整改：交由机关服务中心办理", "已联系评价人",
        "已当即整改", "已回访：评价人满意",
    ]
    assert COMMENT in shown and FIX_NOTE in shown and "王五" in shown
    assert CONTACT_NOTE not in shown and VERIFY_NOTE not in shown
    assert CALL_BACK_NOTE not in shown
    assert entries == sorted(entries, key=lambda e: e.at)


def test_the_handler_sees_every_rectification_step_with_its_notes(case, rectified, lisi):
    shown = texts(case_feedback_events(case=case, actor=lisi))
    for note in (COMMENT, CONTACT_NOTE, VERIFY_NOTE, FIX_NOTE, CALL_BACK_NOTE):
        assert note in shown
    assert "已核实评价" in shown and "张三" in shown


def test_another_applicant_sees_nothing_of_the_case(case, rectified, zhaoliu):
    assert case_feedback_events(case=case, actor=zhaoliu) == []


def test_the_supervising_division_sees_the_rectification_and_the_appeal(
    case, zhangsan, wangwu, zhouba
):
    r = Rectification.objects.get(evaluation=rate(case, zhangsan, 2, comment=COMMENT))
    services.appeal_rating(rectification=r, actor=wangwu, ground=AppealGround.MALICIOUS,
                           reason="评价人与本案无关，系恶意差评")
    services.decide_appeal(rectification=r, actor=zhouba, decision=AppealDecision.REJECTED,
                           reason="证据不足，评价有效")
    shown = texts(case_feedback_events(case=case, actor=zhouba))
    assert "对服务的评价：不满意" in shown
    assert "提出申诉：恶意评价" in shown and "系恶意差评" in shown
    assert "申诉不成立：维持原评价" in shown and "证据不足" in shown
    # The rater is never told the organisation called the rating malicious.
    rater_view = texts(case_feedback_events(case=case, actor=zhangsan))
    assert "申诉" not in rater_view and "恶意" not in rater_view


def test_a_fix_by_a_deadline_tells_the_rater_its_date_but_not_the_ledger(
    case, zhangsan, lisi
):
    r = Rectification.objects.get(evaluation=rate(case, zhangsan, 1))
    r = services.contact_rater(rectification=r, actor=lisi, note=CONTACT_NOTE)
    r = services.verify_rating(rectification=r, actor=lisi, note=VERIFY_NOTE)
    due = dt.date.today() + dt.timedelta(days=3)
    services.rectify(rectification=r, actor=lisi, note="需采购新取号机", plan=Plan.BY_DEADLINE,
                     ledger_entry="台账：采购取号机一台", fix_due_on=due)
    rater_view = texts(case_feedback_events(case=case, actor=zhangsan))
    assert f"{due.year}年{due.month}月{due.day}日" in rater_view
    assert "需采购新取号机" not in rater_view and "台账" not in rater_view
    assert "需采购新取号机" in texts(case_feedback_events(case=case, actor=lisi))


def test_a_complaint_about_the_case_shows_to_its_submitter_and_to_staff_with_the_reply(
    case, kinds, zhangsan, zhaoliu, lisi
):
    own = complaint_about(case, zhangsan)
    services.reply_to_feedback(feedback=own, actor=lisi, text="已督促经办人加快办理，致歉。")
    services.answer_reply(feedback=own, actor=zhangsan, satisfied=True, comment="谢谢")
    complaint_about(case, zhaoliu, title="他人投诉")
    complaint_about(case, None, title="匿名投诉")
    applicant_view = texts(case_feedback_events(case=case, actor=zhangsan))
    assert f"已提交，编号{own.number}：办理拖延" in applicant_view
    assert "已督促经办人加快办理" in applicant_view and "提交人表示满意" in applicant_view
    assert "他人投诉" not in applicant_view and "匿名投诉" not in applicant_view
    staff_view = case_feedback_events(case=case, actor=lisi)
    assert "他人投诉" in texts(staff_view) and "赵六" in texts(staff_view)
    anonymous = next(e for e in staff_view if "匿名投诉" in e.label)
    assert anonymous.by == "匿名" and anonymous.badge == "投诉"


def test_the_selector_costs_the_same_few_queries_however_much_feedback_there_is(
    case, rectified, kinds, zhangsan, lisi, django_assert_max_num_queries
):
    def count() -> int:
        viewer = User.objects.get(pk=lisi.pk)
        with CaptureQueriesContext(connection) as queries:
            case_feedback_events(case=case, actor=viewer)
        return len(queries)

    first = complaint_about(case, zhangsan)
    services.reply_to_feedback(feedback=first, actor=lisi, text="已处理。")
    few = count()
    for title in ("再次投诉", "第三次投诉"):
        more = complaint_about(case, zhangsan, title=title)
        services.reply_to_feedback(feedback=more, actor=lisi, text="已处理。")
    assert count() == few
    viewer = User.objects.get(pk=lisi.pk)
    with django_assert_max_num_queries(8):
        case_feedback_events(case=case, actor=viewer)


# --- the pages ----------------------------------------------------------------------------------


def test_the_case_page_merges_the_feedback_into_the_one_history_in_chinese(
    client, case, rectified, zhangsan
):
    sign_in(client, zhangsan)
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    history = body[body.index('id="history-title"'):]
    history = history[:history.index("</ol>")]
    assert "<h2 id=\"history-title\">办理过程</h2>" in body
    assert '<span class="badge badge-blue">服务评价</span>' in history
    assert "对服务的评价：非常不满意" in history and FIX_NOTE in history
    # The case's own steps come first, then the rating given after completion.
    assert history.index("办结") < history.index("对服务的评价")
    assert CONTACT_NOTE not in body and VERIFY_NOTE not in body and CALL_BACK_NOTE not in body


def test_the_handler_reads_the_staff_notes_on_the_case_page(client, case, rectified, lisi):
    sign_in(client, lisi)
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert CONTACT_NOTE in body and VERIFY_NOTE in body and CALL_BACK_NOTE in body
    assert "已回访：评价人满意" in body


def test_the_case_page_stays_within_its_query_budget_with_feedback(
    client, case, rectified, kinds, zhangsan, lisi, django_assert_max_num_queries
):
    for title in ("投诉一", "投诉二"):
        services.reply_to_feedback(feedback=complaint_about(case, zhangsan, title=title),
                                   actor=lisi, text="已处理。")
    sign_in(client, lisi)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("cases:detail", args=[case.number]))
    assert "投诉二" in response.content.decode()


def test_the_public_progress_page_says_only_that_it_was_rated(
    case, rectified, kinds, zhangsan
):
    complaint_about(case, zhangsan, title="拖延投诉")
    response = Client().post(reverse("cases:progress"),
                             {"reference": case.number, "code": case.verification_code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "服务已评价" in body
    # A rectification exists only for a bad rating: even its existence would tell the level.
    for private in (COMMENT, "非常不满意", CONTACT_NOTE, VERIFY_NOTE, FIX_NOTE, CALL_BACK_NOTE,
                    "王五", "拖延投诉", "整改"):
        assert private not in body


def test_the_public_steps_say_only_that_a_bad_rating_was_given_at_all(case, zhangsan):
    rate(case, zhangsan, 2, comment=COMMENT)
    steps = case_feedback_public_steps(case=case)
    assert [(s.label, s.by, s.text) for s in steps] == [("服务已评价", "", "")]


def test_a_rating_not_given_under_a_real_name_stays_off_the_staff_case_page(
    case, rectified, lisi, zhangsan
):
    Evaluation.objects.filter(case=case).update(is_real_name=False)
    # Beside the case's applicant it would name the rater; the feedback pages still have it.
    assert case_feedback_events(case=case, actor=lisi) == []
    assert COMMENT in texts(case_feedback_events(case=case, actor=zhangsan))
