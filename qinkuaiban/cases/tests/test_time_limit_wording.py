"""Every sentence about when the promised limit starts says the same true thing: it counts in
working days from the day after acceptance (行政许可法 第八十二条, 民法典 第二百零一条)."""

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases.models import Status
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db

THE_RULE = "自受理次日起按工作日计算"
CONTRADICTIONS = ("自受理之日起", "受理次日（工作日）", "自受理起计算", "自下一个工作日起")


def page(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ACCEPTED])
def test_the_case_page_says_the_limit_counts_from_the_day_after_acceptance(
    status: str, item: ServiceItem, cast: dict[str, User]
) -> None:
    case = build(status, item=item, cast=cast)
    body = page(cast["zhangsan"], reverse("cases:detail", args=[case.number]))
    assert THE_RULE in body
    assert not [phrase for phrase in CONTRADICTIONS if phrase in body]


def test_the_submitted_case_page_says_it_twice_in_the_same_words(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = build(Status.SUBMITTED, item=item, cast=cast)
    body = page(cast["lisi"], reverse("cases:detail", args=[case.number]))
    assert body.count(THE_RULE) == 2


def test_the_apply_page_says_the_same(item: ServiceItem, zhangsan: User) -> None:
    body = page(zhangsan, reverse("cases:apply", args=[item.code]))
    assert f"承诺办理时限{THE_RULE}" in body
    assert not [phrase for phrase in CONTRADICTIONS if phrase in body]
