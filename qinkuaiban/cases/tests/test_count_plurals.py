"""Counts of cases, transfers and hours read as English counts them ("1 case", "2 cases");
the Chinese reads as before."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from qinkuaiban.cases import services
from qinkuaiban.cases.commitments import CommitmentStats
from qinkuaiban.cases.events import SystemEvent
from qinkuaiban.cases.models import CaseEvent
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import Organisation, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "completed", "on_time", "expected"), [
    ("en", 1, 1, "1 of 1 case completed in the last 12 months was completed within the "
                 "promised time limit."),
    ("en", 4, 3, "3 of 4 cases completed in the last 12 months were completed within the "
                 "promised time limit."),
    ("zh-hans", 1, 1, "近12个月办结的1件中，1件在承诺时限内办结。"),
    ("zh-hans", 4, 3, "近12个月办结的4件中，3件在承诺时限内办结。"),
])
def test_the_promise_kept_box_counts_the_completed_cases(
    language: str, completed: int, on_time: int, expected: str
) -> None:
    stats = CommitmentStats(since=dt.date(2025, 12, 1), until=dt.date(2026, 11, 30),
                            completed=completed, on_time=on_time)
    with translation.override(language):
        html = render_to_string("cases/_commitment_stats.html", {"stats": stats})
    assert expected in html


@pytest.mark.parametrize(("escalate_at", "language", "expected"), [
    (1, "en", "The case has been transferred 1 time."),
    (1, "zh-hans", "本办件已转办1次。"),
    (2, "en", "The case has been transferred 2 times."),
    (2, "zh-hans", "本办件已转办2次。"),
])
def test_a_repeated_transfer_is_escalated_with_the_right_count(
    escalate_at: int, language: str, expected: str, settings: Any, item: ServiceItem,
    zhangsan: User, lisi: User, qianjiu: User, orgs: dict[str, Organisation]
) -> None:
    settings.QKB_CASE_ESCALATE_AT_TRANSFER = escalate_at
    case = submit(item, zhangsan)
    for _ in range(escalate_at):
        with translation.override(language):
            case = services.transfer(case=case, actor=lisi, to_org=orgs["goa-property"],
                                     reason="属房产处职责")
        if case.transfer_count < escalate_at:
            case = services.refuse_transfer(case=case, actor=qianjiu, reason="不属本处职责")
    escalation = CaseEvent.objects.get(case=case, action=SystemEvent.TRANSFER_ESCALATED)
    assert escalation.reason == expected


@pytest.mark.parametrize(("hours", "language", "expected"), [
    (1, "en", "younger than 1 hour: 0."),
    (48, "en", "younger than 48 hours: 0."),
    (1, "zh-hans", "未满 1 小时：0。"),
    (48, "zh-hans", "未满 48 小时：0。"),
])
def test_the_prune_summary_counts_its_grace_hours(
    hours: int, language: str, expected: str, settings: Any
) -> None:
    settings.QKB_HELD_FILE_MAX_AGE_SECONDS = 3600
    out = StringIO()
    with translation.override(language):
        call_command("prune_orphan_uploads", "--older-than-hours", str(hours), stdout=out)
    assert expected in out.getvalue()
