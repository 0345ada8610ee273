"""A count of working days reads "1 working day" and "3 working days" in English wherever a case
page, a notice, a notification or a refusal puts a number before the words, and the Chinese
reads as before (one form: "1个工作日")."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case
from qinkuaiban.cases.tests.factories import make_item, submit
from qinkuaiban.cases.tests.test_legal_basis import notice_text
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import Conflict
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.notifications.models import Message

pytestmark = pytest.mark.django_db

# "1 working days", never; nor "3 working day" without its "s".
WRONG_SINGULAR = re.compile(r"\b1 working days\b")
WRONG_PLURAL = re.compile(r"\b([02-9]|\d{2,}) working day\b")


def page(user: User, url: str, *, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assert_plurals_right(body: str) -> None:
    assert not WRONG_SINGULAR.search(body)
    assert not WRONG_PLURAL.search(body)


def item_promising(days: int) -> ServiceItem:
    return make_item(content={"legal_days": 5, "promised_days": days})


def accepted(days: int, zhangsan: User, lisi: User) -> Case:
    return services.accept(case=submit(item_promising(days), zhangsan), actor=lisi)


@pytest.mark.parametrize(("days", "promised", "counted"), [
    (1, "1 working day promised (legal limit 5)", "1 working day is counted from the next"),
    (3, "3 working days promised (legal limit 5)", "3 working days are counted from the next"),
])
def test_the_case_page_counts_the_promise_and_the_clock_in_english(
    days: int, promised: str, counted: str, zhangsan: User, lisi: User
) -> None:
    case = accepted(days, zhangsan, lisi)
    body = page(lisi, reverse("cases:detail", args=[case.number]), language="en")
    assert promised in body and counted in body
    assert_plurals_right(body)


@pytest.mark.parametrize(("days", "extended"), [
    (1, "extended by 1 working day<"), (3, "extended by 3 working days<"),
])
def test_the_case_page_counts_the_extension_in_english(
    days: int, extended: str, zhangsan: User, lisi: User, wangwu: User
) -> None:
    case = services.extend(case=accepted(2, zhangsan, lisi), actor=wangwu, days=days,
                           reason="需要现场核查")
    body = page(lisi, reverse("cases:detail", args=[case.number]), language="en")
    assert extended in body
    assert_plurals_right(body)


def test_the_case_page_still_reads_in_chinese(zhangsan: User, lisi: User,
                                              wangwu: User) -> None:
    case = services.extend(case=accepted(1, zhangsan, lisi), actor=wangwu, days=3,
                           reason="需要现场核查")
    body = page(lisi, reverse("cases:detail", args=[case.number]), language="zh-hans")
    assert "承诺1个工作日（法定5个工作日）；已延长3个工作日" in body
    assert "自受理次日起按工作日计算4个工作日，办结期限为" in body


@pytest.mark.parametrize(("days", "english"), [
    (1, "Completed within 1 working day of acceptance"),
    (3, "Completed within 3 working days of acceptance"),
])
def test_the_submitted_page_counts_the_promise_in_english(
    days: int, english: str, zhangsan: User
) -> None:
    case = submit(item_promising(days), zhangsan)
    body = page(zhangsan, reverse("cases:submitted", args=[case.number]), language="en")
    assert english in body
    assert_plurals_right(body)
    chinese = page(zhangsan, reverse("cases:submitted", args=[case.number]), language="zh-hans")
    assert f"受理后{days}个工作日内办结" in chinese


@pytest.mark.parametrize(("days", "english"), [
    (1, "To be answered within 1 working day."), (3, "To be answered within 3 working days."),
])
def test_the_enquiry_page_counts_the_answer_time_in_english(
    days: int, english: str, lisi: User
) -> None:
    enquiry = make_item(kind="enquiry", materials=[],
                        content={"promised_days": days, "legal_days": 5})
    url = f"{reverse('cases:new_enquiry')}?item={enquiry.code}"
    assert english in page(lisi, url, language="en")
    assert f"应在{days}个工作日内答复。" in page(lisi, url, language="zh-hans")


@pytest.mark.parametrize(("days", "english"), [
    (1, "The promised time limit is 1 working day (the legal limit is 5)."),
    (3, "The promised time limit is 3 working days (the legal limit is 5)."),
])
def test_the_acceptance_notice_counts_the_promise_in_english(
    days: int, english: str, zhangsan: User, lisi: User
) -> None:
    case = accepted(days, zhangsan, lisi)
    # The printed notice, read back from the PDF (without its line breaks and spaces).
    with translation.override("en"):
        assert "".join(english.split()) in notice_text(case, "acceptance")
    with translation.override("zh-hans"):
        printed = notice_text(case, "acceptance")
        assert f"承诺办结时限为{days}个工作日（法定时限5个工作日）" in printed


@pytest.mark.parametrize(("most", "english", "chinese"), [
    (1, "This case may be extended by at most 1 working day.", "本办件最多可延长1个工作日。"),
    (3, "This case may be extended by at most 3 working days.", "本办件最多可延长3个工作日。"),
])
def test_an_extension_too_long_is_refused_with_the_most_it_may_be(
    most: int, english: str, chinese: str, settings: object, zhangsan: User, lisi: User,
    wangwu: User
) -> None:
    settings.QKB_CASE_MAX_EXTENSION_DAYS = most  # type: ignore[attr-defined]
    case = accepted(2, zhangsan, lisi)
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language), pytest.raises(Conflict) as refused:
            services.extend(case=case, actor=wangwu, days=most + 1, reason="需要现场核查")
        assert refused.value.message == expected


@pytest.mark.parametrize(("days", "english"), [
    (1, "please take it over within 1 working day."),
    (3, "please take it over within 3 working days."),
])
def test_the_receiver_of_a_transfer_is_given_the_configured_working_days(
    days: int, english: str, settings: object, zhangsan: User, lisi: User, qianjiu: User,
    orgs: dict[str, Organisation]
) -> None:
    settings.QKB_CASE_TRANSFER_DAYS = days  # type: ignore[attr-defined]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            services.transfer(case=submit(item_promising(2), zhangsan), actor=lisi,
                              to_org=orgs["goa-property"], reason="不属本处职责")
    bodies = list(Message.objects.filter(recipient=qianjiu, kind="cases.transfer")
                  .order_by("pk").values_list("body", flat=True))
    assert len(bodies) == 2
    assert bodies[0].endswith(english)
    assert bodies[1].endswith(f"请在{days}个工作日内接收。")
