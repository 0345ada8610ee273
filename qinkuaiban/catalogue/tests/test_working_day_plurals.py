"""The published commitment, the guide's list and the editor's refusal count working days as
English does ("1 working day", "3 working days"); the Chinese reads as before."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from qinkuaiban.catalogue.services import update_draft
from qinkuaiban.catalogue.tests.factories import make_item
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.identity.models import Organisation

pytestmark = pytest.mark.django_db

WRONG_SINGULAR = re.compile(r"\b1 working days\b")
WRONG_PLURAL = re.compile(r"\b([02-9]|\d{2,}) working day\b")


def read(url: str, language: str) -> str:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if language == "en":
        assert not WRONG_SINGULAR.search(body) and not WRONG_PLURAL.search(body)
    return body


@pytest.mark.parametrize(("legal", "promised", "english", "chinese"), [
    (2, 1, ["We promise 1 working day where the law allows 2.",
            "That is 1 working day (50%) shorter."],
     ["法定办结时限2个工作日，我们承诺1个工作日办结。", "压缩1个工作日，压缩比例50%。"]),
    (6, 3, ["We promise 3 working days where the law allows 6.",
            "That is 3 working days (50%) shorter."],
     ["法定办结时限6个工作日，我们承诺3个工作日办结。", "压缩3个工作日，压缩比例50%。"]),
])
def test_the_published_commitment_counts_its_working_days(
    legal: int, promised: int, english: list[str], chinese: list[str],
    orgs: dict[str, Organisation]
) -> None:
    version = make_item(handling_org=orgs["goa-service-centre"], legal_days=legal,
                        promised_days=promised)
    url = reverse("catalogue:item", args=[version.item.code])
    body = read(url, "en")
    assert all(sentence in body for sentence in english)
    body = read(url, "zh-hans")
    assert all(sentence in body for sentence in chinese)


def test_a_promise_as_long_as_the_law_claims_no_shortening(
    orgs: dict[str, Organisation]
) -> None:
    version = make_item(handling_org=orgs["goa-service-centre"], legal_days=5, promised_days=5)
    url = reverse("catalogue:item", args=[version.item.code])
    body = read(url, "en")
    assert "We promise 5 working days where the law allows 5." in body
    assert "Legal limit 5 working days; promised 5 working days." in body
    assert "shorter" not in body
    body = read(url, "zh-hans")
    assert "我们承诺5个工作日办结" in body
    assert "法定办结时限5个工作日；承诺办结时限5个工作日。" in body
    assert "压缩" not in body


@pytest.mark.parametrize(("legal", "english"), [
    (1, "completed on the spot; the law allows 1 working day."),
    (3, "completed on the spot; the law allows 3 working days."),
])
def test_an_item_handled_at_once_counts_the_legal_limit(
    legal: int, english: str, orgs: dict[str, Organisation]
) -> None:
    version = make_item(handling_org=orgs["goa-service-centre"], legal_days=legal,
                        promised_days=0, is_instant=True)
    url = reverse("catalogue:item", args=[version.item.code])
    assert english in read(url, "en")
    assert f"当场办结；法定时限为{legal}个工作日。" in read(url, "zh-hans")


@pytest.mark.parametrize(("legal", "english"), [
    (1, "1 / 1 working day<"), (3, "1 / 3 working days<"),
])
def test_the_guide_list_counts_the_legal_limit(
    legal: int, english: str, orgs: dict[str, Organisation]
) -> None:
    make_item(handling_org=orgs["goa-service-centre"], legal_days=legal, promised_days=1)
    assert english in read(reverse("catalogue:home"), "en")
    assert f"1 / {legal} 个工作日<" in read(reverse("catalogue:home"), "zh-hans")


@pytest.mark.parametrize(("legal", "english", "chinese"), [
    (1, "The promised limit of 2 may not exceed the legal limit of 1 working day.",
     "承诺办结时限（2个工作日）不得超过法定办结时限（1个工作日）。"),
    (3, "The promised limit of 4 may not exceed the legal limit of 3 working days.",
     "承诺办结时限（4个工作日）不得超过法定办结时限（3个工作日）。"),
])
def test_a_promise_longer_than_the_law_is_refused_in_the_right_number(
    legal: int, english: str, chinese: str, orgs: dict[str, Organisation]
) -> None:
    draft = make_item(handling_org=orgs["goa-service-centre"], publish=False)
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language), pytest.raises(InvalidInput) as refused:
            update_draft(actor=None, version=draft,
                         content={"legal_days": legal, "promised_days": legal + 1})
        assert refused.value.message == expected
