"""One menu entry is highlighted on a page, never two: the entry naming the page's view, else
the one whose URL is the longest prefix of its path."""

import re

import pytest
from django.urls import reverse

from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.web.tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def _current(client, url: str) -> set[str]:
    body = client.get(url).content.decode()
    return set(re.findall(r'<a[^>]*aria-current="page"[^>]*>\s*([^<]+?)\s*</a>', body))


def test_a_rectification_page_highlights_only_rectifications(client, cast):
    item = make_item(materials=[])
    evaluation = rate(completed_case(item, cast["zhangsan"], cast["lisi"]), cast["zhangsan"], 1)
    sign_in(client, cast["zhouba"])
    assert _current(client, reverse("feedback:rectifications")) == {"差评整改"}
    assert _current(client, reverse("feedback:rectification",
                                    args=[evaluation.rectification.pk])) == {"差评整改"}
    assert _current(client, reverse("feedback:index")) == {"监督投诉与意见建议"}


def test_rating_a_case_highlights_my_cases(client, cast):
    case = completed_case(make_item(materials=[]), cast["zhangsan"], cast["lisi"])
    sign_in(client, cast["zhangsan"])
    assert _current(client, reverse("feedback:rate", args=[case.number])) == {"我的办件"}
