"""Real concurrency on PostgreSQL (skipped on SQLite, where writers are serialised anyway):
numbers under 50 simultaneous submissions, and two handlers taking the same action."""

import pytest
from django.db import connection
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, CaseEvent
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.core.errors import Conflict
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from tests.reliability.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real row locks")


def test_fifty_simultaneous_submissions_get_distinct_gap_free_numbers(item, zhangsan):
    results = run_together([lambda: submit(item, zhangsan) for _i in range(50)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors
    numbers = sorted(str(n) for n in Case.objects.values_list("number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"QKB{year}{n:06d}" for n in range(1, 51)]


def test_two_handlers_accepting_at_once_one_wins_and_the_other_gets_a_conflict(
    item, zhangsan, lisi, new_member
):
    other: User = new_member("handler2", "冯十一", "goa-service-centre", Role.HANDLER)
    case = submit(item, zhangsan)
    results = run_together([lambda: services.accept(case=case, actor=lisi),
                            lambda: services.accept(case=case, actor=other)])
    assert sum(isinstance(r, Case) for r in results) == 1
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1 and conflicts[0].http_status == 409
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
