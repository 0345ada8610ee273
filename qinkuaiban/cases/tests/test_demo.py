import io

from qinkuaiban.cases.demo import seed_demo_data
from qinkuaiban.cases.models import Case, Status, WarningLevel
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
