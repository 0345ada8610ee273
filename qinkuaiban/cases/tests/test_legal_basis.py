"""Notices cite the law that applies to the item (notices.py): 行政许可法 第三十二条 and the
right to 行政复议/行政诉讼 for an administrative licence only; a public service of the GOA cites
its own service commitment and names the complaint phone. The 5-working-day check period is a
staff deadline, never the applicant's expectation next to a shorter promise."""

import datetime as dt
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, CaseEvent, Status
from qinkuaiban.cases.notices import get_notice, render_notice
from qinkuaiban.cases.tests.factories import make_item, submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ItemType, ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db

LAW = "行政许可法"


def notice_text(case: Case, kind: str) -> str:
    pdf = render_notice(get_notice(case, kind), verify_url="http://testserver/cases/verify/")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def licence(cast: dict[str, User]) -> ServiceItem:
    return make_item(content={"item_type": ItemType.ADMINISTRATIVE_LICENCE})


@pytest.fixture
def one_day_item(cast: dict[str, User]) -> ServiceItem:
    return make_item(content={"legal_days": 3, "promised_days": 1})


def test_a_public_service_supplement_notice_cites_the_goas_commitment_not_the_licensing_law(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    assert item.current_version is not None
    assert item.current_version.item_type == ItemType.PUBLIC_SERVICE
    text = notice_text(build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast), "supplement")
    assert "按照本机关一次性告知服务承诺" in text and LAW not in text


def test_a_licence_supplement_notice_cites_article_32(
    licence: ServiceItem, cast: dict[str, User]
) -> None:
    text = notice_text(build(Status.AWAITING_SUPPLEMENT, item=licence, cast=cast), "supplement")
    assert "《中华人民共和国行政许可法》第三十二条" in text


def test_a_public_service_refusal_names_the_complaint_phone_not_reconsideration(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    text = notice_text(build(Status.REJECTED, item=item, cast=cast), "rejection")
    assert "监督投诉电话0791-88009999" in text
    assert "行政复议" not in text and "行政诉讼" not in text


def test_an_administrative_confirmation_refusal_keeps_reconsideration_and_litigation(
    cast: dict[str, User]
) -> None:
    confirmation = make_item(content={"item_type": ItemType.ADMINISTRATIVE_CONFIRMATION})
    text = notice_text(build(Status.REJECTED, item=confirmation, cast=cast), "rejection")
    assert "行政复议" in text and "行政诉讼" in text and LAW not in text


@pytest.mark.parametrize(("item_type", "cited", "on_notice"), [
    (ItemType.PUBLIC_SERVICE, "按照本机关服务承诺", "按照本机关服务承诺"),
    (ItemType.ADMINISTRATIVE_LICENCE, "行政许可法第三十二条",
     "《中华人民共和国行政许可法》第三十二条"),
])
def test_deemed_acceptance_cites_the_rule_that_applies_to_the_item(
    item_type: str, cited: str, on_notice: str, cast: dict[str, User], zhangsan: User
) -> None:
    case = submit(make_item(content={"item_type": item_type}), zhangsan)
    three_weeks_ago = timezone.localdate() - dt.timedelta(days=21)
    Case.objects.filter(pk=case.pk).update(received_on=three_weeks_ago)
    case = services.deem_accepted(case=case)
    reason = CaseEvent.objects.get(case=case, action="deemed_accepted").reason
    assert cited in reason and (LAW in reason) == (item_type == ItemType.ADMINISTRATIVE_LICENCE)
    assert on_notice in notice_text(case, "acceptance")


def test_the_applicant_is_not_told_of_five_days_next_to_a_one_day_promise(
    one_day_item: ServiceItem, zhangsan: User
) -> None:
    case = submit(one_day_item, zhangsan)
    body = signed_in(zhangsan).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "承诺的1个工作日自受理次日（工作日）起计算。" in body
    assert "5个工作日" not in body


def test_staff_see_the_date_by_which_to_accept_refuse_or_notify(
    one_day_item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    case = submit(one_day_item, zhangsan)
    page = signed_in(lisi).get(reverse("cases:detail", args=[case.number]))
    deadline = page.context["review_deadline"]
    assert deadline is not None and deadline.date > case.received_on
    assert "作出受理、不予受理或一次性告知补正" in page.content.decode()


def test_the_submitted_page_promises_no_five_day_check(
    one_day_item: ServiceItem, zhangsan: User
) -> None:
    case = submit(one_day_item, zhangsan)
    body = signed_in(zhangsan).get(reverse("cases:submitted", args=[case.number]))
    assert "服务窗口将审查您的材料" in body.content.decode()
    assert "5个工作日" not in body.content.decode()
