"""A bad rating (不满意, 非常不满意) carries its reason on every channel, and the rectification
page names the rater and the number to reach them on, masked for those not working it."""

import pytest
from django.urls import reverse

from qinkuaiban.cases.models import Channel
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.feedback.counter import issue_counter_token
from qinkuaiban.feedback.models import Evaluation
from qinkuaiban.feedback.rules import Level, reason_error
from qinkuaiban.feedback.selectors import rater_contact
from qinkuaiban.feedback.tests.factories import completed_case, rate, scores
from qinkuaiban.feedback.tests.test_api import api  # noqa: F401 (the fixture)
from qinkuaiban.web.tests.helpers import sign_in


@pytest.mark.parametrize("level", [Level.DISSATISFIED, Level.VERY_DISSATISFIED])
@pytest.mark.parametrize("comment", ["", "   ", "慢", "差 "])
def test_a_bad_rating_without_a_reason_is_refused(level, comment, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    with pytest.raises(InvalidInput) as refused:
        rate(case, zhangsan, level, comment=comment)
    assert refused.value.code == "reason_required" and refused.value.field == "comment"
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("level", [Level.FAIRLY_SATISFIED, Level.SATISFIED,
                                   Level.VERY_SATISFIED])
def test_a_rating_that_is_not_bad_needs_no_comment(level):
    assert reason_error(level=level, comment="") is None


def test_the_rating_page_asks_for_the_reason_in_chinese(client, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    sign_in(client, zhangsan)
    data = {"item-level": "2", "item-comment": "",
            **{f"item-score_{name}": "2" for name in scores()}}
    response = client.post(reverse("feedback:rate", args=[case.number]), data)
    assert response.status_code == 422 and not Evaluation.objects.exists()
    assert "差评请写明不满意的原因，以便整改。" in response.content.decode()


def test_the_counter_page_asks_for_the_reason(client, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)
    url = reverse("feedback:rate_with_code",
                  kwargs={"token": issue_counter_token(case=case, actor=lisi)})
    data = {"item-level": "1", **{f"item-score_{name}": "1" for name in scores("on_site")}}
    response = client.post(url, data)
    assert response.status_code == 422 and "差评请写明不满意的原因" in response.content.decode()


def test_the_api_refuses_a_bad_rating_without_a_reason(api, item, zhangsan, lisi):  # noqa: F811
    case = completed_case(item, zhangsan, lisi)
    response = api("post", f"/cases/{case.number}/evaluation", zhangsan, level=1,
                   scores=scores(value=1))
    assert response.status_code == 422 and response.json()["code"] == "reason_required"


@pytest.fixture
def rectification(item, zhangsan, lisi):
    zhangsan.mobile = "13912345678"
    zhangsan.save(update_fields=["mobile"])
    return rate(completed_case(item, zhangsan, lisi), zhangsan, 1).rectification


def test_staff_working_the_rectification_see_the_raters_name_and_full_number(
        client, rectification, lisi):
    sign_in(client, lisi)
    body = client.get(reverse("feedback:rectification", args=[rectification.pk])).content.decode()
    assert "张三" in body and 'href="tel:13912345678"' in body and "评价人电话" in body


def test_the_supervising_division_sees_the_number_masked(client, rectification, zhouba):
    sign_in(client, zhouba)
    body = client.get(reverse("feedback:rectification", args=[rectification.pk])).content.decode()
    assert "139****5678" in body and "13912345678" not in body


def test_without_a_mobile_on_the_account_the_phone_given_with_the_case_is_shown(
        item, zhangsan, lisi, zhouba):
    zhangsan.mobile = ""
    zhangsan.save(update_fields=["mobile"])
    r = rate(completed_case(item, zhangsan, lisi), zhangsan, 2).rectification
    assert rater_contact(rectification=r, actor=lisi).phone == "13800000001"
    masked = rater_contact(rectification=r, actor=zhouba)
    assert masked.is_masked and masked.phone == "138****0001"
