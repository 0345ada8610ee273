"""Complaints, suggestions, praise and letters: submission (signed in or anonymous), routing,
the reply loop with its reopening and escalation, merging, adoption and publication."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Feedback, FeedbackReply, RatingInvitation, RoutingRule
from qinkuaiban.feedback.rules import FeedbackKind, FeedbackStatus, TargetType
from qinkuaiban.feedback.sweep import sweep_feedback_deadlines
from qinkuaiban.notifications.models import Message


def complaint(actor=None, *, anonymous=False, **kwargs) -> services.FeedbackReceipt:
    return services.submit_feedback(
        kind=kwargs.pop("kind", FeedbackKind.COMPLAINT), title=kwargs.pop("title", "窗口态度差"),
        content=kwargs.pop("content", "办理时工作人员态度生硬。"), actor=actor,
        anonymous=anonymous, **kwargs)


def test_a_signed_in_submitter_gets_a_case_of_the_feedback_kind(kinds, zhangsan, lisi):
    receipt = complaint(zhangsan)
    feedback = receipt.feedback
    assert receipt.pin is None and receipt.tracking_code is None
    assert feedback.case.kind == "complaint" and feedback.case.applicant == zhangsan
    assert feedback.case.status == Status.SUBMITTED and feedback.status == FeedbackStatus.OPEN
    assert feedback.due_on is not None and feedback.title == "窗口态度差"
    assert Message.objects.filter(recipient=lisi, kind="cases.submit").exists()


def test_an_anonymous_submitter_gets_a_tracking_code_and_a_pin_kept_only_as_a_hash(kinds):
    receipt = complaint(None, anonymous=True, contact="13900000000")
    case = receipt.feedback.case
    assert case.applicant is None and case.tracking_code == receipt.tracking_code
    assert receipt.pin and receipt.pin not in case.pin_hash
    assert check_password(receipt.pin, case.pin_hash)
    assert receipt.feedback.is_anonymous and receipt.feedback.contact == "13900000000"


def test_submitting_under_a_name_needs_a_sign_in(kinds):
    with pytest.raises(NotPermitted):
        complaint(None, anonymous=False)


def test_bad_input_is_refused(kinds, zhangsan):
    with pytest.raises(InvalidInput):
        complaint(zhangsan, title=" ")
    with pytest.raises(InvalidInput):
        complaint(zhangsan, kind="gossip")


def test_the_reply_due_date_follows_the_kind(kinds, zhangsan, settings):
    settings.QKB_FEEDBACK_SUGGESTION_REPLY_DAYS = 15
    complaint_due = complaint(zhangsan).feedback.first_due_on
    suggestion_due = complaint(zhangsan, kind=FeedbackKind.SUGGESTION).feedback.first_due_on
    assert suggestion_due > complaint_due


def test_routing_rules_send_a_complaint_to_the_organisation_concerned(kinds, zhangsan, orgs):
    RoutingRule.objects.create(kind="complaint", target_type=TargetType.ORGANISATION)
    receipt = complaint(zhangsan, target=services.Target(type=TargetType.ORGANISATION,
                                                         organisation=orgs["goa-property"]))
    assert receipt.feedback.case.handling_org == orgs["goa-property"]
    assert receipt.feedback.target_org == orgs["goa-property"]


def test_the_most_specific_rule_wins(kinds, zhangsan, orgs):
    RoutingRule.objects.create(kind="complaint", target_type=TargetType.NONE,
                               handling_org=orgs["goa-supervision"])
    RoutingRule.objects.create(kind="complaint", target_type=TargetType.ORGANISATION,
                               target_org=orgs["goa-assets"], handling_org=orgs["goa-office"])
    about_assets = complaint(zhangsan, target=services.Target(
        type=TargetType.ORGANISATION, organisation=orgs["goa-assets"])).feedback
    general = complaint(zhangsan).feedback
    assert about_assets.case.handling_org == orgs["goa-office"]
    assert general.case.handling_org == orgs["goa-supervision"]


def test_a_complaint_about_a_case_points_at_it(kinds, item, zhangsan, lisi):
    case = case_services.submit_case(actor=zhangsan, item=item,
                                     form={"contact_phone": "13800000001"})
    feedback = complaint(zhangsan, target=services.Target(type=TargetType.CASE,
                                                          case=case)).feedback
    assert feedback.target_case == case and feedback.target_type == TargetType.CASE


def test_unsatisfied_reply_reopens_then_escalates_then_closes(kinds, zhangsan, lisi, wangwu,
                                                              sunqi):
    feedback = complaint(zhangsan).feedback
    feedback = services.reply_to_feedback(feedback=feedback, actor=lisi, text="已批评教育当事人。")
    feedback.case.refresh_from_db()
    assert feedback.status == FeedbackStatus.REPLIED and feedback.case.status == Status.COMPLETED
    assert feedback.case.decision_reason == "已批评教育当事人。"
    assert Message.objects.filter(recipient=zhangsan, kind="feedback.replied").exists()
    feedback = services.answer_reply(feedback=feedback, actor=zhangsan, satisfied=False,
                                     comment="没有解决问题")
    assert feedback.status == FeedbackStatus.REOPENED
    with pytest.raises(NotPermitted):
        services.reply_to_feedback(feedback=feedback, actor=lisi, text="再次答复")
    feedback = services.reply_to_feedback(feedback=feedback, actor=wangwu, text="处长答复")
    feedback = services.answer_reply(feedback=feedback, actor=zhangsan, satisfied=False)
    assert feedback.status == FeedbackStatus.ESCALATED
    assert Message.objects.filter(recipient=sunqi, kind="feedback.needs_reply").exists()
    with pytest.raises(NotPermitted):
        services.reply_to_feedback(feedback=feedback, actor=wangwu, text="越级")
    feedback = services.reply_to_feedback(feedback=feedback, actor=sunqi, text="局领导答复")
    feedback = services.answer_reply(feedback=feedback, actor=zhangsan, satisfied=False)
    assert feedback.status == FeedbackStatus.CLOSED
    assert [r.round for r in FeedbackReply.objects.filter(feedback=feedback)] == [1, 2, 3]


def test_a_satisfied_answer_closes_it(kinds, zhangsan, lisi):
    feedback = services.reply_to_feedback(feedback=complaint(zhangsan).feedback, actor=lisi,
                                          text="已处理")
    feedback = services.answer_reply(feedback=feedback, actor=zhangsan, satisfied=True)
    assert feedback.status == FeedbackStatus.CLOSED and feedback.closed_at is not None


def test_an_anonymous_submitter_answers_with_the_pin(kinds, lisi):
    receipt = complaint(None, anonymous=True)
    feedback = services.reply_to_feedback(feedback=receipt.feedback, actor=lisi, text="已处理")
    with pytest.raises(NotPermitted):
        services.answer_reply(feedback=feedback, satisfied=True)
    feedback = services.answer_reply(feedback=feedback, satisfied=True, with_pin=True)
    assert feedback.status == FeedbackStatus.CLOSED


def test_the_submitter_alone_answers(kinds, zhangsan, zhaoliu, lisi):
    feedback = services.reply_to_feedback(feedback=complaint(zhangsan).feedback, actor=lisi,
                                          text="已处理")
    with pytest.raises(NotPermitted):
        services.answer_reply(feedback=feedback, actor=zhaoliu, satisfied=False)


def test_no_verdict_is_invented_for_a_silent_submitter(kinds, zhangsan, lisi):
    feedback = services.reply_to_feedback(feedback=complaint(zhangsan).feedback, actor=lisi,
                                          text="已处理")
    assert feedback.due_on is not None
    after = feedback.due_on + dt.timedelta(days=1)
    assert sweep_feedback_deadlines(today=feedback.due_on).closed_unanswered == 0
    assert sweep_feedback_deadlines(today=after).closed_unanswered == 1
    assert sweep_feedback_deadlines(today=after).closed_unanswered == 0
    feedback.refresh_from_db()
    reply = FeedbackReply.objects.get(feedback=feedback)
    assert feedback.status == FeedbackStatus.CLOSED
    assert reply.satisfied is None and reply.answered_at is None


def test_a_reply_is_due_and_late_replies_count_as_late(kinds, zhangsan, lisi):
    feedback = complaint(zhangsan).feedback
    Feedback.objects.filter(pk=feedback.pk).update(due_on=dt.date(2025, 1, 2))
    services.reply_to_feedback(feedback=feedback, actor=lisi, text="迟到的答复")
    assert FeedbackReply.objects.get(feedback=feedback).is_on_time is False


def test_the_first_deadline_is_extended_once_with_a_reason_by_the_head(kinds, zhangsan, lisi,
                                                                       wangwu):
    feedback = complaint(zhangsan).feedback
    before = feedback.first_due_on
    with pytest.raises(NotPermitted):
        services.extend_reply(feedback=feedback, actor=lisi, days_=3, reason="需调查")
    feedback = services.extend_reply(feedback=feedback, actor=wangwu, days_=3, reason="需调查")
    assert feedback.first_due_on > before and feedback.extension_days == 3
    with pytest.raises(Conflict):
        services.extend_reply(feedback=feedback, actor=wangwu, days_=2, reason="再延")


def test_merged_duplicates_all_get_the_answer(kinds, zhangsan, zhaoliu, lisi):
    first = complaint(zhangsan).feedback
    second = complaint(zhaoliu, title="同一问题").feedback
    anonymous = complaint(None, anonymous=True).feedback
    services.merge_feedback(primary=first, duplicate=second, actor=lisi)
    services.merge_feedback(primary=first, duplicate=anonymous, actor=lisi)
    second.refresh_from_db()
    assert second.status == FeedbackStatus.MERGED and second.merged_into == first
    with pytest.raises(Conflict):
        services.reply_to_feedback(feedback=second, actor=lisi, text="答复副本")
    services.reply_to_feedback(feedback=first, actor=lisi, text="统一答复")
    for merged in (first, second, anonymous):
        merged.refresh_from_db()
        assert merged.status == FeedbackStatus.REPLIED
        assert merged.replies.get().text == "统一答复"
        assert Case.objects.get(pk=merged.case_id).status == Status.COMPLETED
    assert Message.objects.filter(recipient=zhaoliu, kind="feedback.replied").exists()


def test_only_open_submissions_of_one_kind_and_organisation_merge(kinds, zhangsan, lisi):
    complaint_ = complaint(zhangsan).feedback
    suggestion = complaint(zhangsan, kind=FeedbackKind.SUGGESTION).feedback
    with pytest.raises(Conflict):
        services.merge_feedback(primary=complaint_, duplicate=suggestion, actor=lisi)


def test_a_suggestion_is_adopted_and_published_with_consent_without_personal_data(
    kinds, zhangsan, lisi, wangwu
):
    suggestion = complaint(zhangsan, kind=FeedbackKind.SUGGESTION, title="增加停车位",
                           content="我是张三，电话13800000001，建议增加停车位。",
                           consent_to_publish=True).feedback
    with pytest.raises(Conflict):
        services.publish_feedback(feedback=suggestion, actor=wangwu, title="t", text="x",
                                  reply="y")
    with pytest.raises(NotPermitted):
        services.adopt_suggestion(feedback=suggestion, actor=lisi, note="增加车位")
    suggestion = services.adopt_suggestion(feedback=suggestion, actor=wangwu,
                                           note="东院新增 40 个车位")
    suggestion = services.publish_feedback(
        feedback=suggestion, actor=wangwu, title="关于增加停车位的建议",
        text="建议增加停车位，联系电话13800000001。", reply="已在东院新增 40 个车位。")
    assert suggestion.published_at is not None
    assert "13800000001" not in suggestion.public_text and "***" in suggestion.public_text


def test_without_consent_nothing_is_published(kinds, zhangsan, lisi, wangwu):
    feedback = services.reply_to_feedback(feedback=complaint(zhangsan).feedback, actor=lisi,
                                          text="已处理")
    with pytest.raises(Conflict):
        services.publish_feedback(feedback=feedback, actor=wangwu, title="t", text="x",
                                  reply="y")
    services.set_publication_consent(feedback=feedback, actor=zhangsan, consent=True)
    feedback = services.publish_feedback(feedback=feedback, actor=wangwu, title="投诉处理",
                                         text="窗口态度", reply="已处理")
    feedback = services.set_publication_consent(feedback=feedback, actor=zhangsan, consent=False)
    assert feedback.published_at is None


def test_feedback_cases_are_not_invited_to_a_rating(kinds, zhangsan, lisi):
    feedback = services.reply_to_feedback(feedback=complaint(zhangsan).feedback, actor=lisi,
                                          text="已处理")
    assert not RatingInvitation.objects.filter(case=feedback.case).exists()


def test_a_feedback_case_submitted_on_the_generic_page_still_gets_its_feedback(kinds, zhangsan):
    case = case_services.submit_case(actor=zhangsan, item=kinds["suggestion"],
                                     form={"title": "食堂", "content": "增加夜宵"})
    feedback = Feedback.objects.get(case=case)
    assert (feedback.title, feedback.content) == ("食堂", "增加夜宵")


def test_staff_transfer_a_feedback_with_first_contact_responsibility(kinds, zhangsan, lisi,
                                                                     orgs):
    feedback = complaint(zhangsan).feedback
    services.transfer_feedback(feedback=feedback, actor=lisi, to_org=orgs["goa-property"],
                               reason="属房产处职责")
    assert feedback.case.transfers.get().to_org == orgs["goa-property"]
