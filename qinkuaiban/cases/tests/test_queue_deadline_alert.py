"""The work queue's deadline alert: how many of the actor's open cases are past their due date
(the overdue filter's rule) or near it (the yellow warning), counted with the status tabs in one
query, each a link to its filter."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases.models import Case, Status, WarningLevel
from qinkuaiban.cases.selectors import case_queue, narrow_queue, queue_counts
from qinkuaiban.cases.tests.factories import make_item, signed_in, submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import Organisation, User

pytestmark = pytest.mark.django_db

QUEUE = reverse("cases:queue")


def accepted(item: ServiceItem, cast: dict[str, User], warning: str) -> Case:
    """An accepted case of `item` with the warning the nightly sweep would have given it."""
    case = build(Status.ACCEPTED, item=item, cast=cast)
    today = timezone.localdate()
    due_on: dict[str, dt.date | None] = {WarningLevel.RED: today - dt.timedelta(days=2),
                                         WarningLevel.YELLOW: today + dt.timedelta(days=1)}
    Case.objects.filter(pk=case.pk).update(warning=warning,
                                           due_on=due_on.get(warning, case.due_on))
    case.refresh_from_db()
    return case


def alert_of(body: str) -> str:
    """The deadline alert's HTML, or "" when the page shows none."""
    start = body.find('queue-deadlines">')
    return body[start:body.index("</div>", start)] if start >= 0 else ""


@pytest.fixture
def handler_elsewhere(qianjiu: User) -> User:
    """钱九, a handler of the property division (not lisi's organisation)."""
    return qianjiu


def test_the_alert_counts_red_and_yellow_cases_and_links_to_their_filters_in_chinese(
    item: ServiceItem, cast: dict[str, User], lisi: User
) -> None:
    accepted(item, cast, WarningLevel.RED)
    accepted(item, cast, WarningLevel.YELLOW)
    accepted(item, cast, WarningLevel.YELLOW)
    accepted(item, cast, WarningLevel.NORMAL)
    submit(item, cast["zhangsan"])

    response = signed_in(lisi).get(QUEUE)
    body = response.content.decode()
    alert = alert_of(body)

    assert "办件队列" in body
    assert 'class="alert alert-error queue-deadlines"' in body
    assert "本队列办理时限预警：" in alert
    assert f'href="{QUEUE}?overdue=on">1 件已超期</a>' in alert
    assert f'href="{QUEUE}?warning=yellow">2 件临近期限</a>' in alert
    counts = response.context["counts"]
    assert (counts.overdue, counts.yellow, counts.total) == (1, 2, 5)
    assert counts.by_status == {Status.ACCEPTED: 4, Status.SUBMITTED: 1}


def test_the_links_list_only_the_overdue_or_the_yellow_cases_and_the_alert_still_counts_both(
    item: ServiceItem, cast: dict[str, User], lisi: User
) -> None:
    red = accepted(item, cast, WarningLevel.RED)
    yellow = accepted(item, cast, WarningLevel.YELLOW)
    normal = accepted(item, cast, WarningLevel.NORMAL)
    client = signed_in(lisi)

    for query, shown, hidden in (("overdue=on", red, yellow), ("warning=yellow", yellow, red)):
        response = client.get(f"{QUEUE}?{query}", HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert [case.pk for case in response.context["page_obj"]] == [shown.pk]
        assert str(hidden.number) not in body and str(normal.number) not in body
        assert response.context["total"] == 1
        assert "1 件已超期" in alert_of(body) and "1 件临近期限" in alert_of(body)
        assert f'?{query}" aria-current="true"' in alert_of(body)


def test_overdue_is_the_due_date_even_before_the_sweep_has_marked_the_case_red(
    item: ServiceItem, cast: dict[str, User], lisi: User
) -> None:
    late = accepted(item, cast, WarningLevel.NORMAL)
    Case.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    response = signed_in(lisi).get(QUEUE)
    assert response.context["counts"].overdue == 1
    assert f'href="{QUEUE}?overdue=on">1 件已超期</a>' in alert_of(response.content.decode())
    listed = signed_in(lisi).get(f"{QUEUE}?overdue=on").context["page_obj"]
    assert [case.pk for case in listed] == [late.pk]


def test_only_yellow_cases_give_a_warning_alert_without_the_overdue_line(
    item: ServiceItem, cast: dict[str, User], lisi: User
) -> None:
    accepted(item, cast, WarningLevel.YELLOW)
    body = signed_in(lisi).get(QUEUE).content.decode()
    assert 'class="alert alert-warning queue-deadlines"' in body
    assert "1 件临近期限" in alert_of(body)
    assert "overdue=on" not in alert_of(body)


def test_nothing_is_shown_when_no_case_is_red_or_yellow(
    item: ServiceItem, cast: dict[str, User], lisi: User
) -> None:
    accepted(item, cast, WarningLevel.NORMAL)
    submit(item, cast["zhangsan"])
    response = signed_in(lisi).get(QUEUE)
    body = response.content.decode()
    assert response.context["counts"].overdue == response.context["counts"].yellow == 0
    assert "queue-deadlines" not in body
    assert "件已超期" not in body and "件临近期限" not in body


def test_another_organisations_red_cases_are_not_counted(
    item: ServiceItem, cast: dict[str, User], lisi: User, handler_elsewhere: User,
    orgs: dict[str, Organisation]
) -> None:
    theirs = make_item(handling_org=orgs["goa-property"])
    # Accepted by their own handler: `build` has the case accepted by whoever plays lisi.
    their_cast = {**cast, "lisi": handler_elsewhere}
    accepted(theirs, their_cast, WarningLevel.RED)
    accepted(theirs, their_cast, WarningLevel.RED)
    accepted(item, cast, WarningLevel.YELLOW)

    mine = signed_in(lisi).get(QUEUE)
    assert (mine.context["counts"].overdue, mine.context["counts"].yellow) == (0, 1)
    assert "件已超期" not in mine.content.decode()
    other = signed_in(handler_elsewhere).get(QUEUE)
    assert (other.context["counts"].overdue, other.context["counts"].yellow) == (2, 0)
    assert "2 件已超期" in alert_of(other.content.decode())


def test_the_service_filter_narrows_the_alert_and_stays_in_its_links(
    item: ServiceItem, cast: dict[str, User], lisi: User
) -> None:
    other_item = make_item()
    accepted(item, cast, WarningLevel.RED)
    accepted(other_item, cast, WarningLevel.RED)
    accepted(other_item, cast, WarningLevel.YELLOW)

    body = signed_in(lisi).get(
        f"{QUEUE}?item={item.code}&status=accepted&overdue=on").content.decode()
    alert = alert_of(body)
    # The overdue filter is on: its link is the current one.
    assert (f'href="{QUEUE}?overdue=on&amp;item={item.code}" aria-current="true">1 件已超期</a>'
            in alert)
    assert "件临近期限" not in alert


def test_the_tabs_count_the_list_filters_and_the_alert_the_whole_queue_in_one_query(
    item: ServiceItem, cast: dict[str, User], lisi: User, django_assert_num_queries: Any
) -> None:
    accepted(item, cast, WarningLevel.RED)
    accepted(item, cast, WarningLevel.YELLOW)
    accepted(item, cast, WarningLevel.NORMAL)
    submit(item, cast["zhangsan"])
    today = timezone.localdate()
    queue = case_queue(actor=lisi)
    statuses = ["", Status.SUBMITTED, Status.ACCEPTED, Status.AWAITING_SUPPLEMENT]

    for warning, overdue in itertools.product(["", *WarningLevel.values], [False, True]):
        with django_assert_num_queries(1):
            counts = queue_counts(queue, warning=warning, overdue=overdue, today=today)
        assert (counts.overdue, counts.yellow) == (1, 1)
        for status in statuses:
            listed = narrow_queue(queue, status=status, warning=warning, overdue=overdue,
                                  today=today).count()
            counted = counts.by_status.get(status, 0) if status else counts.total
            assert counted == listed, (status, warning, overdue)
    # The last round (red, overdue only) lists the one red case, due two days ago.
    assert counts.by_status == {Status.ACCEPTED: 1}


def test_the_queue_with_deadline_warnings_runs_no_more_queries(
    item: ServiceItem, cast: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    for level in (WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.NORMAL):
        accepted(item, cast, level)
        submit(item, cast["zhangsan"])
    client = signed_in(cast["lisi"])
    client.get(QUEUE)
    with django_assert_max_num_queries(14):
        response = client.get(QUEUE)
    assert "1 件已超期" in alert_of(response.content.decode())
