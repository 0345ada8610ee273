"""Notices and decisions rest on the law that applies to the item's type (legal.py):
行政许可法 第三十二条 for an administrative licence only, cited by nothing else; the right to
行政复议/行政诉讼 for every type but a plain public service, which names a review by the agency and
its complaint phone instead; nothing cites a commitment the guide does not publish. The
5-working-day check period is a staff deadline, never the applicant's expectation next to a
shorter promise."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.forms import CompleteForm, RejectForm
from qinkuaiban.cases.models import Case, CaseEvent, Outcome, Status
from qinkuaiban.cases.notices import get_notice, render_notice
from qinkuaiban.cases.tests.factories import make_item, signed_in, submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ItemType, ServiceItem
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db

LAW = "行政许可法"


def notice_text(case: Case, kind: str) -> str:
    pdf = render_notice(get_notice(case, kind), verify_url="http://testserver/cases/verify/")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())



@pytest.fixture
def licence(cast: dict[str, User]) -> ServiceItem:
    return make_item(content={"item_type": ItemType.ADMINISTRATIVE_LICENCE})


@pytest.fixture
def one_day_item(cast: dict[str, User]) -> ServiceItem:
    return make_item(content={"legal_days": 3, "promised_days": 1})


def test_a_public_service_supplement_notice_cites_neither_the_licensing_law_nor_a_commitment(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    assert item.current_version is not None
    assert item.current_version.item_type == ItemType.PUBLIC_SERVICE
    text = notice_text(build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast), "supplement")
    assert "现一次性告知需要补正的全部内容如下" in text
    assert LAW not in text and "承诺" not in text


def test_a_licence_supplement_notice_cites_article_32(
    licence: ServiceItem, cast: dict[str, User]
) -> None:
    text = notice_text(build(Status.AWAITING_SUPPLEMENT, item=licence, cast=cast), "supplement")
    assert "《中华人民共和国行政许可法》第三十二条" in text


def test_a_public_service_refusal_names_the_complaint_phone_not_reconsideration(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    text = notice_text(build(Status.REJECTED, item=item, cast=cast), "rejection")
    assert "拨打本告知书所列的监督投诉电话" in text
    assert "行政复议" not in text and "行政诉讼" not in text


def test_a_public_service_acceptance_notice_finds_the_materials_as_required(
    item: ServiceItem, licence: ServiceItem, cast: dict[str, User]
) -> None:
    public = notice_text(build(Status.ACCEPTED, item=item, cast=cast), "acceptance")
    assert "申请材料齐全、符合要求" in public and "法定形式" not in public
    licensed = notice_text(build(Status.ACCEPTED, item=licence, cast=cast), "acceptance")
    assert "申请材料齐全、符合法定形式" in licensed


@pytest.mark.parametrize("item_type", [
    ItemType.ADMINISTRATIVE_CONFIRMATION, ItemType.ADMINISTRATIVE_PAYMENT, ItemType.OTHER,
])
def test_every_refusal_but_a_public_services_keeps_reconsideration_and_litigation(
    item_type: str, cast: dict[str, User]
) -> None:
    typed = make_item(content={"item_type": item_type})
    text = notice_text(build(Status.REJECTED, item=typed, cast=cast), "rejection")
    assert "行政复议" in text and "行政诉讼" in text
    assert LAW not in text and "监督投诉电话" not in text


@pytest.mark.parametrize("item_type", [ItemType.ADMINISTRATIVE_PAYMENT, ItemType.OTHER])
def test_a_payment_or_other_item_cites_no_licensing_law_on_its_notices(
    item_type: str, cast: dict[str, User]
) -> None:
    typed = make_item(content={"item_type": item_type})
    text = notice_text(build(Status.AWAITING_SUPPLEMENT, item=typed, cast=cast), "supplement")
    assert LAW not in text and "承诺" not in text


@pytest.mark.parametrize(("item_type", "reconsideration"), [
    (ItemType.PUBLIC_SERVICE, False), (ItemType.ADMINISTRATIVE_LICENCE, True),
    (ItemType.ADMINISTRATIVE_PAYMENT, True), (ItemType.OTHER, True),
])
def test_a_decision_not_to_approve_without_remedies_names_the_remedies_of_the_items_type(
    item_type: str, reconsideration: bool, cast: dict[str, User]
) -> None:
    case = build(Status.ACCEPTED, item=make_item(content={"item_type": item_type}), cast=cast)
    with pytest.raises(InvalidInput) as refused:
        services.complete(case=case, actor=cast["lisi"], outcome=Outcome.NOT_APPROVED,
                          reason="不符合条件")
    message = refused.value.message
    assert refused.value.code == "reason_and_remedies_required"
    assert ("行政复议" in message) == reconsideration
    assert ("复核" in message) == (not reconsideration)


@pytest.mark.parametrize(("item_type", "help_says"), [
    (ItemType.PUBLIC_SERVICE, "复核"), (ItemType.OTHER, "复议机关"),
])
def test_the_remedies_help_of_the_completion_and_refusal_forms_follows_the_items_type(
    item_type: str, help_says: str, cast: dict[str, User]
) -> None:
    case = build(Status.ACCEPTED, item=make_item(content={"item_type": item_type}), cast=cast)
    for form_class in (CompleteForm, RejectForm):
        form = form_class(case=case, actor=cast["lisi"])
        assert help_says in str(form.fields["remedies"].help_text)


@pytest.mark.parametrize("item_type", [
    ItemType.PUBLIC_SERVICE, ItemType.OTHER, ItemType.ADMINISTRATIVE_LICENCE,
])
def test_deemed_acceptance_cites_the_law_for_a_licence_and_nothing_unpublished_otherwise(
    item_type: str, cast: dict[str, User], zhangsan: User
) -> None:
    licence = item_type == ItemType.ADMINISTRATIVE_LICENCE
    case = submit(make_item(content={"item_type": item_type}), zhangsan)
    three_weeks_ago = timezone.localdate() - dt.timedelta(days=21)
    Case.objects.filter(pk=case.pk).update(received_on=three_weeks_ago)
    case = services.deem_accepted(case=case)
    reason = CaseEvent.objects.get(case=case, action="deemed_accepted").reason
    notice = notice_text(case, "acceptance")
    assert "即为受理" in reason and "即为受理" in notice
    assert ("行政许可法第三十二条" in reason) == licence
    assert ("《中华人民共和国行政许可法》第三十二条" in notice) == licence
    assert "承诺" not in reason and "服务承诺" not in notice


def test_the_applicant_is_not_told_of_five_days_next_to_a_one_day_promise(
    one_day_item: ServiceItem, zhangsan: User
) -> None:
    case = submit(one_day_item, zhangsan)
    body = signed_in(zhangsan).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "承诺的1个工作日自受理次日起按工作日计算。" in body
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


@pytest.mark.parametrize(("promised", "english"), [
    (1, "The promised 1 working day counts"), (3, "The promised 3 working days count"),
])
def test_the_promise_reads_in_the_singular_for_one_working_day(
    promised: int, english: str, zhangsan: User
) -> None:
    case = submit(make_item(content={"legal_days": 5, "promised_days": promised}), zhangsan)
    client = signed_in(zhangsan)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert english in body
