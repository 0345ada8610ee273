"""The periodic sweep: warnings once per step and level, idempotent runs, appeals."""

import datetime as dt

from django.core.management import call_command

from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Feedback, FeedbackEvent
from qinkuaiban.feedback.rules import AppealGround
from qinkuaiban.feedback.sweep import sweep_feedback_deadlines
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.notifications.models import Message


def test_a_reply_near_and_past_its_deadline_warns_once_per_level(kinds, zhangsan, lisi):
    feedback = services.submit_feedback(kind="complaint", title="t", content="c",
                                        actor=zhangsan, anonymous=False).feedback
    due = feedback.due_on
    assert due is not None
    runs = [sweep_feedback_deadlines(today=day).feedback_warnings
            for day in (due - dt.timedelta(days=20), due, due, due + dt.timedelta(days=1))]
    assert runs == [0, 1, 0, 1]
    feedback.refresh_from_db()
    assert feedback.warning == "red"
    assert FeedbackEvent.objects.filter(feedback=feedback, action="warning_raised").count() == 2
    assert Message.objects.filter(recipient=lisi, kind="feedback.needs_reply").count() == 2


def test_an_escalated_reply_warns_the_leaders(kinds, zhangsan, lisi, wangwu, sunqi):
    feedback = services.submit_feedback(kind="complaint", title="t", content="c",
                                        actor=zhangsan, anonymous=False).feedback
    for actor in (lisi, wangwu):
        feedback = services.reply_to_feedback(feedback=feedback, actor=actor, text="答复")
        feedback = services.answer_reply(feedback=feedback, actor=zhangsan, satisfied=False)
    Message.objects.all().delete()
    sweep_feedback_deadlines(today=Feedback.objects.get(pk=feedback.pk).due_on)
    assert Message.objects.filter(recipient=sunqi, kind="feedback.needs_reply").exists()


def test_a_pending_appeal_warns_the_supervising_division(item, zhangsan, lisi, wangwu, zhouba):
    evaluation = rate(completed_case(item, zhangsan, lisi), zhangsan, 1)
    services.appeal_rating(rectification=evaluation.rectification, actor=wangwu,
                           ground=AppealGround.MISTAKEN, reason="误评")
    due = evaluation.rectification.appeal.due_on
    assert sweep_feedback_deadlines(today=due + dt.timedelta(days=1)).appeal_warnings == 1
    assert sweep_feedback_deadlines(today=due + dt.timedelta(days=1)).appeal_warnings == 0
    assert Message.objects.filter(recipient=zhouba, kind="feedback.appeal_warning").count() == 1


def test_the_command_reports_what_it_did(kinds, capsys):
    call_command("sweep_feedback_deadlines")
    assert capsys.readouterr().out.strip()
