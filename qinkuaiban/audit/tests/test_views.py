import csv
import datetime
import io

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.audit import views
from qinkuaiban.audit.models import AuditEntry, Outcome
from qinkuaiban.audit.services import record
from qinkuaiban.audit.tests.factories import AuditEntryFactory
from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db

CAST = ["zhangsan", "zhaoliu", "lisi", "wangwu", "sunqi", "zhouba", "sysadmin", "secadmin",
        "auditor"]


def _urls() -> list[str]:
    entry = AuditEntry.objects.order_by("sequence").first() or AuditEntryFactory.create()
    return [
        reverse("audit:entry_list"),
        reverse("audit:entry_detail", args=[entry.sequence]),
        reverse("audit:verify"),
        reverse("audit:verify") + "?run=1",
        reverse("audit:export_csv"),
    ]


@pytest.fixture
def auditor_client(client: Client, auditor: User) -> Client:
    return sign_in(client, auditor)


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, cast) -> None:
    login_url = resolve_url(settings.LOGIN_URL)
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login_url), url


@pytest.mark.parametrize("username", CAST)
def test_only_the_audit_administrator_may_open_the_audit_pages(
    client: Client, cast: dict[str, User], username: str
) -> None:
    sign_in(client, cast[username])
    expected = 200 if username == "auditor" else 403
    before = AuditEntry.objects.filter(action__startswith="audit.").count()

    for url in _urls():
        assert client.get(url).status_code == expected, url

    audit_reads = AuditEntry.objects.filter(action__startswith="audit.").count() - before
    # A refused visitor leaves no verification or export behind.
    assert audit_reads == (2 if username == "auditor" else 0)


def test_the_audit_pages_refuse_to_change_anything(auditor_client: Client) -> None:
    entry = AuditEntryFactory.create()
    for url in [reverse("audit:entry_list"), reverse("audit:entry_detail", args=[entry.sequence]),
                reverse("audit:verify")]:
        assert auditor_client.post(url).status_code == 405
        assert auditor_client.delete(url).status_code == 405


def test_the_list_shows_entries_newest_first_in_chinese(auditor_client: Client) -> None:
    AuditEntryFactory.create(action="test.older_recorded")
    AuditEntryFactory.create(action="test.newer_recorded")

    content = auditor_client.get(reverse("audit:entry_list")).content.decode()

    assert "审计日志" in content
    assert content.index("test.newer_recorded") < content.index("test.older_recorded")


def test_the_list_filters_by_actor_action_outcome_and_target(
    auditor_client: Client, zhangsan: User, lisi: User
) -> None:
    record(action="cases.case_submitted", actor=zhangsan, target=zhangsan)
    record(action="cases.case_accepted", actor=lisi, outcome=Outcome.DENIED)
    record(action="identity.login_failed", actor=lisi, outcome=Outcome.FAILURE)
    url = reverse("audit:entry_list")

    def actions(**query: str) -> list[str]:
        page = auditor_client.get(url, query).context["page_obj"]
        return [entry.action for entry in page.object_list]

    assert set(actions(actor_username="lisi")) >= {"cases.case_accepted", "identity.login_failed"}
    assert "cases.case_submitted" not in actions(actor_username="lisi")
    assert actions(action_prefix="cases.") == ["cases.case_accepted", "cases.case_submitted"]
    assert actions(outcome="denied") == ["cases.case_accepted"]
    assert actions(target_type="identity.user", target_id=str(zhangsan.pk),
                   action_prefix="cases.") == ["cases.case_submitted"]


def test_the_list_filters_by_local_date(auditor_client: Client) -> None:
    AuditEntryFactory.create(action="test.today_recorded")
    today = timezone.localdate()
    url = reverse("audit:entry_list")

    def actions(**query: str) -> list[str]:
        return [e.action for e in auditor_client.get(url, query).context["page_obj"].object_list]

    assert "test.today_recorded" in actions(date_from=today.isoformat(), date_to=today.isoformat())
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert actions(date_from=tomorrow) == []
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert actions(date_to=yesterday) == []


def test_an_inverted_date_range_is_reported_and_filters_nothing(auditor_client: Client) -> None:
    AuditEntryFactory.create(action="test.kept_recorded")
    response = auditor_client.get(
        reverse("audit:entry_list"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )

    assert response.context["form"].errors["date_to"]
    assert "test.kept_recorded" in response.content.decode()


def test_the_list_pages_with_newer_and_older_links(auditor_client: Client) -> None:
    AuditEntryFactory.create_batch(60, action="test.bulk_recorded")
    url = reverse("audit:entry_list")

    first = auditor_client.get(url, {"action_prefix": "test.bulk"}).context["page_obj"]
    assert len(first.object_list) == 50 and first.has_next and not first.has_previous
    second = auditor_client.get(
        url, {"action_prefix": "test.bulk", "before": first.next_cursor}
    ).context["page_obj"]
    assert len(second.object_list) == 10 and not second.has_next and second.has_previous
    back = auditor_client.get(
        url, {"action_prefix": "test.bulk", "after": second.previous_cursor}
    ).context["page_obj"]
    assert [e.sequence for e in back.object_list] == [e.sequence for e in first.object_list]


@pytest.mark.parametrize("page_size", [5, 60])
def test_the_list_page_itself_needs_at_most_five_queries_whatever_its_length(
    rf: RequestFactory, auditor: User, django_assert_max_num_queries, page_size: int
) -> None:
    AuditEntryFactory.create_batch(page_size)
    request = rf.get(reverse("audit:entry_list"))
    request.user = User.objects.get(pk=auditor.pk)

    # The view, its selector and the whole layout (menu, bell); the middleware's session and
    # two-factor lookups are the same on every page and counted below.
    with django_assert_max_num_queries(5):
        response = views.entry_list(request)
    assert response.status_code == 200


def test_the_number_of_queries_does_not_grow_with_the_trail(auditor_client: Client) -> None:
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as context:
            assert auditor_client.get(reverse("audit:entry_list")).status_code == 200
        return len(context)

    AuditEntryFactory.create_batch(3)
    queries_for_list()  # the first request after signing in does some one-off work
    few = queries_for_list()
    AuditEntryFactory.create_batch(80)
    assert queries_for_list() == few


def test_the_detail_shows_changes_and_both_hashes(auditor_client: Client) -> None:
    entry = AuditEntryFactory.create(changes={"名称": "停车证", "count": 2})

    content = auditor_client.get(reverse("audit:entry_detail", args=[entry.sequence])).content
    text = content.decode()

    assert entry.entry_hash in text and entry.prev_hash in text
    assert "&quot;名称&quot;: &quot;停车证&quot;" in text
    assert "与本条哈希一致" in text


def test_an_unknown_entry_is_a_404(auditor_client: Client) -> None:
    assert auditor_client.get(reverse("audit:entry_detail", args=[999999])).status_code == 404


def test_verifying_reports_an_intact_chain_and_records_that_it_ran(
    auditor_client: Client, auditor: User
) -> None:
    AuditEntryFactory.create_batch(3)

    response = auditor_client.get(reverse("audit:verify"), {"run": "1"})

    assert response.context["report"].ok
    assert "完整" in response.content.decode()
    last = AuditEntry.objects.latest("sequence")
    assert last.action == "audit.chain_verified"
    assert last.actor_id == auditor.pk
    assert last.changes["intact"] is True


def test_opening_the_verify_page_without_running_records_nothing(
    auditor_client: Client,
) -> None:
    count = AuditEntry.objects.count()

    response = auditor_client.get(reverse("audit:verify"))

    assert response.context["report"] is None
    assert AuditEntry.objects.count() == count


def test_the_export_is_the_filtered_trail_as_csv_and_is_audited(
    auditor_client: Client, auditor: User, lisi: User
) -> None:
    record(action="cases.case_accepted", actor=lisi, changes={"note": "=HYPERLINK(1)"})
    record(action="identity.login_failed", actor=lisi, outcome=Outcome.FAILURE)

    response = auditor_client.get(reverse("audit:export_csv"), {"action_prefix": "cases."})
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) == 2
    assert rows[1][4] == "cases.case_accepted"
    # Formula-looking cells are defused for spreadsheet programs; JSON inside stays readable.
    assert "=HYPERLINK(1)" in rows[1][10] and not rows[1][10].startswith("=")
    export = AuditEntry.objects.latest("sequence")
    assert export.action == "audit.trail_exported"
    assert export.actor_id == auditor.pk
    assert export.changes == {"filters": {"action_prefix": "cases."}, "count": 1}
