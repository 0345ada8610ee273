import inspect
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.cases import demo
from qinkuaiban.cases.demo import seed_demo_data
from qinkuaiban.cases.models import Case, CaseEvent, Status, WarningLevel
from qinkuaiban.cases.selectors import case_timeline_for_actor
from qinkuaiban.catalogue.demo import seed_demo_data as seed_catalogue
from qinkuaiban.notifications.models import Message
from qinkuaiban.workdays.selectors import load_calendar


def test_the_demo_seeds_cases_in_several_states_once(cast):
    seed_catalogue(stdout=io.StringIO())
    seed_demo_data(stdout=io.StringIO())
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.ACCEPTED,
            Status.COMPLETED} <= statuses
    warnings = set(Case.objects.values_list("warning", flat=True))
    assert {WarningLevel.YELLOW, WarningLevel.RED} <= warnings
    count = Case.objects.count()
    seed_demo_data(stdout=io.StringIO())
    assert Case.objects.count() == count


def test_the_red_demo_case_was_submitted_and_accepted_six_working_days_ago(cast):
    seed_catalogue(stdout=io.StringIO())
    seed_demo_data(stdout=io.StringIO())
    red = Case.objects.get(idempotency_key="demo-red")
    today = timezone.localdate()
    calendar = load_calendar(start=today, end=today)
    accepted_on = timezone.localdate(red.accepted_at)
    assert red.received_on == accepted_on == timezone.localdate(red.submitted_at)
    assert calendar.is_workday(accepted_on) and calendar.workdays_between(accepted_on, today) == 6
    assert red.due_on is not None and red.due_on < today
    assert red.warning == red.warning_notified == WarningLevel.RED
    # Its approval form was handed in with the application, not on the day of seeding.
    assert set(red.attachments.values_list("uploaded_at", flat=True)) == {red.submitted_at}


def test_the_red_demo_cases_history_audit_and_messages_carry_when_they_were_written(cast):
    """The services were told when the case was submitted and accepted; nothing moved the
    clock, so every record written says when it was written."""
    seed_catalogue(stdout=io.StringIO())
    started = timezone.now()
    seed_demo_data(stdout=io.StringIO())
    red = Case.objects.get(idempotency_key="demo-red")
    events = CaseEvent.objects.filter(case=red)
    audit = AuditEntry.objects.filter(target_type="cases.case", target_id=str(red.pk))
    messages = Message.objects.filter(target_type="cases.case", target_id=str(red.pk))
    assert {"created", "submit", "accept", "warning_raised"} <= set(
        events.values_list("action", flat=True))
    assert audit.exists() and messages.exists()
    written = [*events.values_list("created_at", flat=True),
               *audit.values_list("occurred_at", flat=True),
               *messages.values_list("created_at", flat=True)]
    assert min(written) >= started
    # …and the case's timeline tells each step on the day it happened.
    timeline = case_timeline_for_actor(case=red, actor=cast["zhaoliu"])
    assert [e.at for e in timeline if e.label in {"创建草稿", "提交", "受理"}] == [
        red.submitted_at, red.submitted_at, red.accepted_at]


def test_the_red_demo_cases_applicant_reads_that_it_is_past_the_promised_limit(cast):
    seed_catalogue(stdout=io.StringIO())
    seed_demo_data(stdout=io.StringIO())
    red = Case.objects.get(idempotency_key="demo-red")
    client = Client()
    client.force_login(cast["zhaoliu"])
    body = client.get(reverse("cases:detail", args=[red.number])).content.decode()
    history = body[body.index('<ol class="timeline">'):]
    assert "已超过承诺时限" in history


def test_the_demo_seeding_never_moves_the_clock():
    source = inspect.getsource(demo)
    assert "mock" not in source and "patch" not in source


def test_the_yellow_demo_case_is_due_today_and_the_case_accepted_today_is_not_yet_near(cast):
    seed_catalogue(stdout=io.StringIO())
    seed_demo_data(stdout=io.StringIO())
    yellow = Case.objects.get(idempotency_key="demo-yellow")
    accepted_today = Case.objects.get(idempotency_key="demo-accepted")
    today = timezone.localdate()
    assert timezone.localdate(yellow.accepted_at) < today
    # On a working day the one-day promise ends today; on a day off it ends on the next one.
    assert yellow.warning == (WarningLevel.YELLOW if yellow.due_on == today
                              else WarningLevel.NORMAL)
    assert accepted_today.warning == WarningLevel.NORMAL
