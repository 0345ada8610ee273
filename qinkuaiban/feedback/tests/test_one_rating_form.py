"""The rating page saves the service and the staff member together, from one form with one
button: the service part is required, the staff part optional, and nothing is half-saved."""

import pytest
from django.urls import reverse

from qinkuaiban.cases.models import Channel
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.feedback import services
from qinkuaiban.feedback.counter import issue_counter_token
from qinkuaiban.feedback.models import Evaluation
from qinkuaiban.feedback.rules import RatedObject, RatingChannel
from qinkuaiban.feedback.tests.factories import completed_case, scores
from qinkuaiban.web.tests.helpers import sign_in


@pytest.fixture
def window_case(item, zhangsan, lisi):
    return completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)


@pytest.fixture
def counter_url(window_case, lisi):
    token = issue_counter_token(case=window_case, actor=lisi)
    return reverse("feedback:rate_with_code", kwargs={"token": token})


def rating_form(body):
    """The rating form of a page (the page's layout has other forms: language, sign-out)."""
    start = body.index('<form class="form rating-form')
    return body[start:body.index("</form>", start)]


def part(prefix, level, comment=""):
    data = {f"{prefix}-level": str(level), f"{prefix}-comment": comment}
    data.update({f"{prefix}-score_{name}": str(level)
                 for name in scores(RatingChannel.ON_SITE)})
    return data


def test_the_counter_page_has_one_form_with_one_submit_button(client, counter_url):
    body = client.get(counter_url).content.decode()
    assert body.count('<form class="form rating-form') == 1
    form = rating_form(body)
    assert form.count('type="submit"') == 1 and "提交评价" in form and "评价工作人员<" not in form
    assert "服务事项" in form and "为您服务的工作人员" in form


def test_both_parts_are_saved_by_one_post(client, counter_url, window_case):
    response = client.post(counter_url, {**part("item", 5), **part("staff", 4, "热情周到")})
    assert response.status_code == 302
    saved = {e.rated_object: e for e in Evaluation.objects.filter(case=window_case)}
    assert saved[RatedObject.ITEM].level == 5 and saved[RatedObject.STAFF].level == 4
    assert saved[RatedObject.STAFF].comment == "热情周到" and saved[RatedObject.ITEM].at_counter


def test_the_staff_part_may_be_left_blank(client, counter_url, window_case):
    response = client.post(counter_url, part("item", 4))
    assert response.status_code == 302
    assert list(Evaluation.objects.filter(case=window_case).values_list(
        "rated_object", flat=True)) == [RatedObject.ITEM]


def test_the_staff_part_alone_is_refused_with_a_clear_message(client, counter_url,
                                                              window_case):
    response = client.post(counter_url, part("staff", 5))
    body = response.content.decode()
    assert response.status_code == 422 and not Evaluation.objects.exists()
    assert "请同时评价服务事项" in body
    assert "checked" in body  # the staff part's choices are kept for the second try


def test_a_staff_part_begun_must_be_whole(client, counter_url):
    response = client.post(counter_url, {**part("item", 5), "staff-level": "4"})
    assert response.status_code == 422 and not Evaluation.objects.exists()
    assert "请选择一项。" in response.content.decode()


def test_an_error_in_one_part_saves_neither(client, counter_url):
    response = client.post(counter_url, {**part("item", 5), **part("staff", 1)})
    assert response.status_code == 422 and not Evaluation.objects.exists()
    assert "差评请写明不满意的原因" in response.content.decode()


def test_the_service_refuses_a_staff_rating_while_the_service_is_unrated(window_case):
    rating = services.RatingInput(level=5, scores=scores(RatingChannel.ON_SITE))
    with pytest.raises(InvalidInput) as refused:
        services.rate_visit(case=window_case, actor=None, at_counter=True,
                            ratings={RatedObject.STAFF: rating})
    assert refused.value.code == "service_rating_required" and not Evaluation.objects.exists()


def test_the_service_saves_nothing_when_its_second_part_is_refused(window_case):
    good = services.RatingInput(level=5, scores=scores(RatingChannel.ON_SITE))
    bad = services.RatingInput(level=1, scores=scores(RatingChannel.ON_SITE, 1))
    with pytest.raises(InvalidInput) as refused:
        services.rate_visit(case=window_case, actor=None, at_counter=True,
                            ratings={RatedObject.ITEM: good, RatedObject.STAFF: bad})
    assert refused.value.field == "staff.comment" and refused.value.code == "reason_required"
    assert not Evaluation.objects.exists()


def test_with_the_service_rated_the_staff_part_is_rated_alone(client, counter_url, window_case):
    services.rate_visit(case=window_case, actor=None, at_counter=True, ratings={
        RatedObject.ITEM: services.RatingInput(level=5, scores=scores(RatingChannel.ON_SITE))})
    response = client.post(counter_url, part("staff", 4))
    assert response.status_code == 302
    assert Evaluation.objects.filter(case=window_case).count() == 2


def test_the_online_rating_page_rates_the_service_with_one_button(client, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    sign_in(client, zhangsan)
    body = client.get(reverse("feedback:rate", args=[case.number])).content.decode()
    form = rating_form(body)
    assert form.count('type="submit"') == 1 and "为您服务的工作人员" not in form
