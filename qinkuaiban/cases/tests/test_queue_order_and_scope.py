"""The general queue (办件队列): what it leaves to other to-do lists, and what comes first."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases import kinds
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.selectors import case_queue
from qinkuaiban.cases.tests.factories import make_item, signed_in, submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.feedback import selectors as feedback_selectors
from qinkuaiban.feedback import services as feedback_services
from qinkuaiban.feedback.tests.factories import feedback_items


def test_cases_waiting_for_acceptance_come_before_accepted_ones_oldest_first(item, cast, lisi):
    accepted = build(Status.ACCEPTED, item=item, cast=cast)
    older = submit(item, cast["zhangsan"])
    newer = submit(item, cast["zhangsan"])
    Case.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=2))

    assert [c.pk for c in case_queue(actor=lisi)] == [older.pk, newer.pk, accepted.pk]


def test_complaints_and_other_feedback_stay_out_of_the_general_queue_and_its_counts(
    item, cast, lisi, zhangsan
):
    feedback_items()
    complaint = feedback_services.submit_feedback(
        kind="complaint", title="窗口态度", content="办事窗口工作人员态度生硬。",
        actor=zhangsan, anonymous=False).feedback
    letter = feedback_services.submit_feedback(
        kind="leader_mailbox", title="建议", content="建议延长午间办公时间。", actor=None,
        anonymous=True).feedback
    ordinary = submit(item, zhangsan)

    assert [c.pk for c in case_queue(actor=lisi)] == [ordinary.pk]
    response = signed_in(lisi).get(reverse("cases:queue"))
    body = response.content.decode()
    assert response.context["total"] == 1
    assert dict((s, n) for s, _label, n in response.context["status_counts"])[
        Status.SUBMITTED] == 1
    assert str(complaint.case.number) not in body and str(letter.case.number) not in body
    # They are worked in the feedback app's own to-do list instead.
    assert {f.pk for f in feedback_selectors.feedback_queue(actor=lisi)} == {
        complaint.pk, letter.pk}


def test_the_feedback_kinds_declare_their_own_to_do_list():
    assert set(kinds.kinds_with_own_queue()) == {
        "complaint", "suggestion", "praise", "leader_mailbox"}
    assert "generic" not in kinds.kinds_with_own_queue()


def test_any_kind_with_its_own_to_do_list_is_left_out_of_the_general_queue(cast, lisi):
    kinds.register(kinds.CaseKind(slug="test_own_list", label="自有待办",
                                  meta={"queue_url_name": "feedback:queue"}))
    try:
        elsewhere = make_item(kind="test_own_list", materials=[])
        here = make_item(materials=[])
        submit(elsewhere, cast["zhangsan"], files=False)
        shown = submit(here, cast["zhangsan"], files=False)

        assert [c.pk for c in case_queue(actor=lisi)] == [shown.pk]
    finally:
        kinds.unregister("test_own_list")
