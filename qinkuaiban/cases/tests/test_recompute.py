"""A corrected calendar moves the due dates of open cases (the `calendar_changed` receiver)."""

import datetime as dt

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, CaseEvent, Status
from qinkuaiban.cases.selectors import case_queue, clock_explanation
from qinkuaiban.cases.tests.states import build
from qinkuaiban.workdays.services import correct_day


def test_a_new_holiday_inside_the_count_moves_the_due_date(
    item, cast, django_capture_on_commit_callbacks
):
    case = build(Status.ACCEPTED, item=item, cast=cast)
    before = case.due_on
    assert before is not None
    first_counted = next(note.date for note in clock_explanation(case=case).days
                         if note.is_counted)
    with django_capture_on_commit_callbacks(execute=True):
        correct_day(actor=None, date=first_counted, kind="holiday", name="临时调整",
                    reason="国务院办公厅通知更正")
    case.refresh_from_db()
    assert case.due_on is not None and case.due_on > before
    assert CaseEvent.objects.filter(case=case, action="due_recomputed").count() == 1


def test_recomputing_works_in_batches_and_changes_nothing_when_nothing_changed(item, cast):
    cases = [build(Status.ACCEPTED, item=item, cast=cast) for _i in range(5)]
    start = min(c.due_on for c in cases if c.due_on)
    assert services.recompute_due_dates(start=start, end=start, batch_size=2) == 0
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(due_on=start + dt.timedelta(days=1))
    assert services.recompute_due_dates(start=start, end=start, batch_size=2) == 5


def test_the_queue_lists_cases_to_accept_then_soonest_due_in_few_queries(
    item, cast, lisi, sunqi, zhaoliu, django_assert_max_num_queries
):
    build(Status.SUBMITTED, item=item, cast=cast)
    build(Status.ACCEPTED, item=item, cast=cast)
    build(Status.COMPLETED, item=item, cast=cast)
    with django_assert_max_num_queries(3):
        queue = list(case_queue(actor=lisi))
        assert [c.status for c in queue] == [Status.SUBMITTED, Status.ACCEPTED]
        assert all(c.item.code and c.handling_org.name for c in queue)
    assert len(case_queue(actor=sunqi)) == 2
    assert not case_queue(actor=zhaoliu).exists()
    assert {c.status for c in case_queue(actor=lisi, status=Status.SUBMITTED)} == {
        Status.SUBMITTED}
    assert not case_queue(actor=lisi, overdue=True).exists()
