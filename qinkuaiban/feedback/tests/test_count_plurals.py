"""Counts of minutes, cases and characters read as English counts them ("1 minute", "10
minutes"); the Chinese reads as before."""

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qinkuaiban.cases.models import Channel
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.feedback.services._common import required_text, too_long
from qinkuaiban.feedback.statistics import Rate
from qinkuaiban.feedback.tests.factories import completed_case
from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def counter_code_page(language: str, item: ServiceItem, zhangsan: User, lisi: User) -> str:
    case = completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)
    client = sign_in(Client(), lisi)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("feedback:counter_code", args=[case.number]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("minutes", "english"), [
    (1, "The code is valid for 1 minute."), (10, "The code is valid for 10 minutes."),
])
def test_the_counter_code_counts_its_minutes(
    minutes: int, english: str, settings: Any, item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    settings.QKB_FEEDBACK_COUNTER_TOKEN_MINUTES = minutes
    assert english in counter_code_page("en", item, zhangsan, lisi)


@pytest.mark.parametrize("minutes", [1, 10])
def test_the_counter_code_still_reads_in_chinese(
    minutes: int, settings: Any, item: ServiceItem, zhangsan: User, lisi: User
) -> None:
    settings.QKB_FEEDBACK_COUNTER_TOKEN_MINUTES = minutes
    assert f"评价码 {minutes} 分钟内有效。" in counter_code_page("zh-hans", item, zhangsan, lisi)


@pytest.mark.parametrize(("language", "minutes", "expected"), [
    ("en", 1, "The code is valid for 1 minute."),
    ("en", 10, "The code is valid for 10 minutes."),
    ("zh-hans", 1, "评价码 1 分钟内有效。"),
    ("zh-hans", 10, "评价码 10 分钟内有效。"),
])
def test_the_counter_code_sentence_in_each_language(
    language: str, minutes: int, expected: str
) -> None:
    context = {"case": None, "state": {"may_rate": True}, "minutes": minutes, "url": "/x/",
               "qr": ""}
    with translation.override(language):
        assert expected in render_to_string("feedback/counter_code.html", context)


@pytest.mark.parametrize(("language", "minimum", "expected"), [
    ("en", 1, "Shown from 1 case on"), ("en", 5, "Shown from 5 cases on"),
    ("zh-hans", 1, "满 1 件后显示"), ("zh-hans", 5, "满 5 件后显示"),
])
def test_a_rate_below_its_minimum_sample_counts_the_cases(
    language: str, minimum: int, expected: str
) -> None:
    with translation.override(language):
        html = render_to_string("feedback/_rate.html", {"rate": Rate(0, 0, minimum)})
    assert f'title="{expected}"' in html


@pytest.mark.parametrize(("language", "limit", "expected"), [
    ("en", 1, "At most 1 character."), ("en", 120, "At most 120 characters."),
    ("zh-hans", 1, "最多填写 1 个字符。"), ("zh-hans", 120, "最多填写 120 个字符。"),
])
def test_too_long_a_text_is_refused_in_the_right_number(
    language: str, limit: int, expected: str
) -> None:
    with translation.override(language):
        assert too_long(field="contact", limit=limit).message == expected
        with pytest.raises(InvalidInput) as refused:
            required_text("x" * (limit + 1), field="title", message="-", limit=limit)
    assert refused.value.message == expected
    assert refused.value.code == "too_long" and refused.value.field == "title"
