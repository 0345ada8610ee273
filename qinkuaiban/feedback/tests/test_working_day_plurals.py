"""An extended reply deadline, the promise after a bad rating and the refusal of too long an
extension count working days as English does ("1 working day", "3 working days"); the Chinese
reads as before."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.feedback import services
from qinkuaiban.feedback.rules import FeedbackKind
from qinkuaiban.feedback.tests.factories import completed_case, scores
from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def speaking(language: str, user: User) -> Client:
    client = sign_in(Client(), user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def complaint(author: User) -> services.FeedbackReceipt:
    return services.submit_feedback(kind=FeedbackKind.COMPLAINT, title="窗口态度差",
                                    content="办理时工作人员态度生硬。", actor=author,
                                    anonymous=False)


@pytest.mark.parametrize(("days", "english"), [
    (1, "(extended by 1 working day)"), (3, "(extended by 3 working days)"),
])
def test_an_extended_reply_deadline_counts_its_working_days(
    days: int, english: str, kinds: dict[str, ServiceItem], zhangsan: User, wangwu: User
) -> None:
    feedback = services.extend_reply(feedback=complaint(zhangsan).feedback, actor=wangwu,
                                     days_=days, reason="需调查")
    url = reverse("feedback:detail", args=[feedback.number])
    english_page = speaking("en", wangwu).get(url)
    assert english_page.status_code == 200 and english in english_page.content.decode()
    chinese_page = speaking("zh-hans", wangwu).get(url).content.decode()
    assert f"（已延长 {days} 个工作日）" in chinese_page


@pytest.mark.parametrize(("days", "english"), [
    (1, "will contact you within 1 working day to hear"),
    (3, "will contact you within 3 working days to hear"),
])
def test_a_bad_rating_is_promised_contact_within_the_right_number_of_working_days(
    days: int, english: str, settings: Any, item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    settings.QKB_FEEDBACK_CONTACT_DAYS = days
    case = completed_case(item, zhangsan, lisi)
    client = speaking("en", zhangsan)
    data = {"item-level": "1", "item-comment": "多跑了一趟",
            **{f"item-score_{name}": "1" for name in scores()}}
    body = client.post(reverse("feedback:rate", args=[case.number]), data,
                       follow=True).content.decode()
    assert english in body


def test_the_promise_after_a_bad_rating_still_reads_in_chinese(
    settings: Any, item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    settings.QKB_FEEDBACK_CONTACT_DAYS = 1
    case = completed_case(item, zhangsan, lisi)
    data = {"item-level": "1", "item-comment": "多跑了一趟",
            **{f"item-score_{name}": "1" for name in scores()}}
    body = speaking("zh-hans", zhangsan).post(reverse("feedback:rate", args=[case.number]),
                                              data, follow=True).content.decode()
    assert f"{case.handling_org.name}将在 1 个工作日内与您联系" in body


@pytest.mark.parametrize(("most", "english"), [
    (1, "Extend by at most 1 working day."), (3, "Extend by at most 3 working days."),
])
def test_too_long_an_extension_is_refused_in_the_right_number(
    most: int, english: str, settings: Any, kinds: dict[str, ServiceItem], zhangsan: User,
    wangwu: User
) -> None:
    settings.QKB_FEEDBACK_MAX_EXTENSION_DAYS = most
    feedback = complaint(zhangsan).feedback
    for language, expected in (("en", english), ("zh-hans", f"最多可延长 {most} 个工作日。")):
        with translation.override(language), pytest.raises(InvalidInput) as refused:
            services.extend_reply(feedback=feedback, actor=wangwu, days_=most + 1,
                                  reason="需调查")
        assert refused.value.message == expected
