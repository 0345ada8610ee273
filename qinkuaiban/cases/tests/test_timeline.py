"""The one timeline of a case: entries another app registers are merged by time with the case's
own history, marked by their badge, on the case page and (only where the app allows it) on the
public progress page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import timeline
from qinkuaiban.cases.models import Case
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.cases.timeline import TimelineEntry, TimelineSource, merged
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db


def Note(*, at: dt.datetime, label: str, text: str = "") -> TimelineEntry:
    """An entry of another app, with its badge."""
    return TimelineEntry(at=at, label=label, text=text, badge="旁注")


@pytest.fixture
def source(monkeypatch: pytest.MonkeyPatch) -> list[User]:
    """A registered source that records who asked; removed again after the test."""
    asked: list[User] = []

    def for_actor(*, case: Case, actor: User) -> list[TimelineEntry]:
        asked.append(actor)
        return [Note(at=dt.datetime.now(tz=dt.UTC), label="另一应用的记录", text="仅限本人查看")]

    def for_public(*, case: Case) -> list[TimelineEntry]:
        return [Note(at=dt.datetime.now(tz=dt.UTC), label="公开的记录")]

    monkeypatch.setattr(timeline, "_sources", {})
    timeline.register_timeline_source(TimelineSource(slug="test", for_actor=for_actor,
                                                     for_public=for_public))
    return asked


def test_entries_at_the_same_moment_keep_the_case_history_first() -> None:
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    own = [TimelineEntry(at=at, label="提交"),
           TimelineEntry(at=at + dt.timedelta(hours=2), label="受理")]
    other = [Note(at=at, label="旁注一"), Note(at=at + dt.timedelta(hours=1), label="旁注二")]
    assert [e.label for e in merged(own, other)] == ["提交", "旁注一", "旁注二", "受理"]


def test_the_case_page_merges_registered_entries_into_its_history_with_a_badge(
    item: ServiceItem, zhangsan: User, source: list[User]
) -> None:
    case = submit(item, zhangsan)
    client = Client()
    client.force_login(zhangsan)
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    history = body[body.index('id="history-title"'):body.index("</ol>", body.index(
        'id="history-title"'))]
    assert '<span class="badge badge-blue">旁注</span> <strong>另一应用的记录</strong>' in history
    assert history.index("<strong>提交</strong>") < history.index("另一应用的记录")
    assert source == [zhangsan]


def test_the_progress_page_shows_only_what_a_source_gives_the_public(
    item: ServiceItem, zhangsan: User, source: list[User]
) -> None:
    case = submit(item, zhangsan)
    response = Client().post(reverse("cases:progress"),
                             {"reference": case.number, "code": case.verification_code})
    body = response.content.decode()
    assert "公开的记录" in body
    assert "另一应用的记录" not in body and "仅限本人查看" not in body
    assert source == []
