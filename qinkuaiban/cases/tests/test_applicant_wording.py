"""The applicant reads their case in their own words (audience.py): 即将到期 and 已超过承诺时限
instead of the office's 黄色预警 and 红色预警, and nothing of the sweep telling the handlers —
on the case page, in the list of their cases, in the API and on the public progress page. Staff
keep the precise wording."""

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import services
from qinkuaiban.cases.audience import STAFF_ONLY_EVENTS
from qinkuaiban.cases.events import SystemEvent
from qinkuaiban.cases.models import Case, Status, Transfer, TransferStatus, WarningLevel
from qinkuaiban.cases.permissions import is_case_staff
from qinkuaiban.cases.tests.factories import signed_in
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.services import grant_role
from qinkuaiban.identity.tokens import issue_token

pytestmark = pytest.mark.django_db

STAFF_TERMS = ("黄色预警", "红色预警", "发出时限预警")



def api(user: User) -> Client:
    raw, _token = issue_token(user=user)
    return Client(headers={"authorization": f"Bearer {raw}"})


def warned(case: Case, level: str) -> Case:
    """The case at `level`, notified to the handlers as the sweep does."""
    Case.objects.filter(pk=case.pk).update(warning=level)
    services.notify_warning(case=case)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def yellow_case(item: ServiceItem, cast: dict[str, User]) -> Case:
    return warned(build(Status.ACCEPTED, item=item, cast=cast), WarningLevel.YELLOW)


@pytest.fixture
def red_case(yellow_case: Case) -> Case:
    return warned(yellow_case, WarningLevel.RED)


def test_the_applicant_reads_due_soon_where_the_handler_reads_yellow_warning(
    yellow_case: Case, zhangsan: User, lisi: User
) -> None:
    url = reverse("cases:detail", args=[yellow_case.number])
    mine = signed_in(zhangsan).get(url).content.decode()
    theirs = signed_in(lisi).get(url).content.decode()
    assert "即将到期" in mine
    assert not any(term in mine for term in STAFF_TERMS)
    assert "黄色预警" in theirs and "发出时限预警" in theirs


def test_the_applicants_list_says_due_soon(yellow_case: Case, zhangsan: User) -> None:
    body = signed_in(zhangsan).get(reverse("cases:mine")).content.decode()
    assert "即将到期" in body and "黄色预警" not in body


def test_an_overdue_case_tells_the_applicant_it_is_past_the_promised_limit(
    red_case: Case, zhangsan: User
) -> None:
    body = signed_in(zhangsan).get(reverse("cases:detail", args=[red_case.number])).content
    text = body.decode()
    history = text[text.index('<ol class="timeline">'):]
    # Beside the status and the due date, and once in the history: being late stays on
    # record there after the case is completed and the badges are gone.
    assert text.count("已超过承诺时限") == 3 and history.count("已超过承诺时限") == 1
    assert not any(term in text for term in STAFF_TERMS)


def test_the_api_timeline_and_history_use_the_applicants_words(
    red_case: Case, zhangsan: User, lisi: User
) -> None:
    path = f"/api/v1/cases/{red_case.number}"
    timeline = [e["label"] for e in api(zhangsan).get(path, {"timeline": "true"}).json()[
        "timeline"]]
    events = [e["label"] for e in api(zhangsan).get(f"{path}/events").json()]
    staff_events = [e["label"] for e in api(lisi).get(f"{path}/events").json()]
    assert timeline.count("已超过承诺时限") == 1 and events == timeline
    assert "发出时限预警" not in timeline
    assert staff_events.count("发出时限预警") == 2


def test_the_public_progress_page_and_api_hide_the_offices_warnings(
    yellow_case: Case,
) -> None:
    response = Client().post(reverse("cases:progress"), {
        "reference": yellow_case.number, "code": yellow_case.verification_code})
    page = response.content.decode()
    public = Client().get(f"/api/v1/public/cases/{yellow_case.number}",
                          {"code": yellow_case.verification_code}).json()
    labels = [event["label"] for event in public["events"]]
    assert "受理" in labels and "发出时限预警" not in labels
    assert "受理" in page and not any(term in page for term in STAFF_TERMS)


@pytest.fixture
def escalated_case(red_case: Case, lisi: User, orgs: dict[str, Organisation]) -> Case:
    """The red case, transferred to the property division and escalated to supervision."""
    services.transfer(case=red_case, actor=lisi, to_org=orgs["goa-property"],
                      reason="属房产处职责")
    transfer = Transfer.objects.get(case=red_case, status=TransferStatus.PENDING)
    services.escalate_transfer(transfer=transfer, reason="转办未按时接收")
    return Case.objects.get(pk=red_case.pk)


def test_an_applicant_who_is_staff_elsewhere_reads_their_own_case_as_its_applicant(
    escalated_case: Case, zhangsan: User, orgs: dict[str, Organisation]
) -> None:
    grant_role(actor=None, user=zhangsan, organisation=orgs["goa-energy"], role=Role.HANDLER)
    zhangsan = User.objects.get(pk=zhangsan.pk)
    assert not is_case_staff(escalated_case, zhangsan)
    page = signed_in(zhangsan).get(reverse("cases:detail", args=[escalated_case.number]))
    body = page.content.decode()
    events = api(zhangsan).get(f"/api/v1/cases/{escalated_case.number}/events").json()
    assert "已超过承诺时限" in body
    assert not any(term in body for term in (*STAFF_TERMS, "转办已提请督查部门督办"))
    assert [e["action"] for e in events if e["action"] in STAFF_ONLY_EVENTS] == [
        SystemEvent.WARNING_RAISED]
    assert "转办未按时接收" not in str(events)


@pytest.mark.parametrize("member", ["lisi", "wangwu", "sunqi", "zhouba"])
def test_the_staff_of_the_case_and_its_supervisors_keep_the_offices_terms(
    escalated_case: Case, cast: dict[str, User], member: str
) -> None:
    """The handling division, its head, a leader above it, and the supervising division once
    the transfer was escalated."""
    staff = cast[member]
    assert is_case_staff(escalated_case, staff)
    events = api(staff).get(f"/api/v1/cases/{escalated_case.number}/events").json()
    assert {"发出时限预警", "转办已提请督查部门督办"} <= {e["label"] for e in events}


def test_staff_of_the_organisation_a_transfer_is_offered_to_read_the_offices_terms(
    red_case: Case, lisi: User, orgs: dict[str, Organisation], qianjiu: User
) -> None:
    assert not is_case_staff(red_case, qianjiu)
    services.transfer(case=red_case, actor=lisi, to_org=orgs["goa-property"],
                      reason="属房产处职责")
    case = Case.objects.get(pk=red_case.pk)
    assert is_case_staff(case, qianjiu)
    body = signed_in(qianjiu).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "红色预警" in body


def test_the_public_progress_page_and_api_say_when_a_case_ran_past_its_promised_limit(
    red_case: Case,
) -> None:
    """Whether a promise is kept is public (承诺践诺): the red warning shows, in the applicant's
    words, and nothing of whom the sweep told."""
    response = Client().post(reverse("cases:progress"), {
        "reference": red_case.number, "code": red_case.verification_code})
    page = response.content.decode()
    public = Client().get(f"/api/v1/public/cases/{red_case.number}",
                          {"code": red_case.verification_code}).json()
    labels = [event["label"] for event in public["events"]]
    assert labels.count("已超过承诺时限") == 1 and "即将到期" not in labels
    assert "已超过承诺时限" in page
    assert not any(term in page or term in labels for term in STAFF_TERMS)
