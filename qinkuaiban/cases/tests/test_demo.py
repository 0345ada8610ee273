import io

from django.utils import timezone

from qinkuaiban.cases.demo import seed_demo_data
from qinkuaiban.cases.models import Case, CaseEvent, Status, WarningLevel
from qinkuaiban.catalogue.demo import seed_demo_data as seed_catalogue


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


def test_the_red_demo_cases_history_is_dated_with_its_submission_and_acceptance(cast):
    seed_catalogue(stdout=io.StringIO())
    seed_demo_data(stdout=io.StringIO())
    red = Case.objects.get(idempotency_key="demo-red")
    assert red.warning == WarningLevel.RED
    assert timezone.localdate(red.accepted_at) < timezone.localdate()
    times = dict(CaseEvent.objects.filter(case=red).values_list("action", "created_at"))
    assert times["submit"] == red.submitted_at and times["accept"] == red.accepted_at
    assert times["created"] <= red.submitted_at < red.accepted_at
    assert all(timezone.localdate(moment) == timezone.localdate(red.accepted_at)
               for moment in times.values())
