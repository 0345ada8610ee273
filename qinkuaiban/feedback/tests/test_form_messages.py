"""The feedback forms speak plainly: a too-long text, a number out of range, a bad number or
date and an unknown choice get the project's wording, never Django's programmer phrasing."""

import pytest
from django.urls import reverse
from django.utils import translation

from qinkuaiban.feedback.forms import (
    AdoptForm,
    ExtendForm,
    RatingForm,
    RectificationStepForm,
    ReplyTemplateForm,
    RoutingRuleForm,
    SubmitForm,
)
from qinkuaiban.feedback.models import Feedback
from qinkuaiban.feedback.rules import RatingChannel, RectificationAction
from qinkuaiban.feedback.tests.factories import completed_case, scores
from qinkuaiban.identity.models import Organisation
from qinkuaiban.web.tests.helpers import sign_in

DJANGO_WORDING = ("确保该变量", "目前字符数", "确保该值", "选择一个有效的选项", "输入整数")


def _plain(errors) -> str:
    text = " ".join(str(e) for field in errors.values() for e in field)
    assert not any(phrase in text for phrase in DJANGO_WORDING), text
    return text


def test_a_too_long_complaint_says_how_many_characters_are_allowed(client, kinds):
    response = client.post(reverse("feedback:submit", args=["complaint"]), {
        "title": "门禁卡", "content": "长" * 2001, "target_type": "none"})
    body = response.content.decode()
    assert response.status_code == 422 and not Feedback.objects.exists()
    assert "最多填写 2000 个字符。" in body and "确保该变量" not in body


def test_a_too_long_rating_comment_says_how_many_characters_are_allowed(client, item, zhangsan,
                                                                        lisi):
    case = completed_case(item, zhangsan, lisi)
    sign_in(client, zhangsan)
    data = {"item-level": "5", "item-comment": "好" * 1120,
            **{f"item-score_{name}": "5" for name in scores()}}
    body = client.post(reverse("feedback:rate", args=[case.number]), data).content.decode()
    assert "最多填写 1000 个字符。" in body and "目前字符数" not in body


@pytest.mark.parametrize(("days", "said"), [("0", "不能小于 1。"), ("31", "不能大于 30。"),
                                            ("三天", "请填写整数。")])
def test_the_extension_days_are_refused_in_plain_words(days, said):
    with translation.override("zh-hans"):
        form = ExtendForm({"days": days, "reason": "需要协调"})
        assert not form.is_valid() and said in _plain(form.errors)


def test_a_bad_date_and_an_unknown_choice_are_refused_in_plain_words():
    with translation.override("zh-hans"):
        form = RectificationStepForm({"rectify-note": "x", "rectify-plan": "later",
                                      "rectify-fix_due_on": "明天"},
                                     action=RectificationAction.RECTIFY)
        text = _plain(form.errors) if not form.is_valid() else ""
    assert "请从列出的选项中选择。" in text and "YYYY-MM-DD" in text


def test_every_feedback_form_uses_plain_messages(db, kinds):
    with translation.override("zh-hans"):
        built = [
            SubmitForm({"title": "t" * 201, "content": "c" * 2001, "target_type": "bogus",
                        "contact": "1" * 121, "respondent": "r" * 101}, signed_in=True),
            AdoptForm({"note": "n" * 2001}),
            RatingForm({"level": "9", "comment": "c" * 1001, "score_efficiency": "x"},
                       channel=RatingChannel.ONLINE),
            RoutingRuleForm({"kind": "nope", "note": "n" * 201}),
            ReplyTemplateForm({"title": "t" * 101, "body": "b"},
                              organisations=Organisation.objects.none()),
        ]
        for form in built:
            assert not form.is_valid()
            assert "最多填写" in _plain(form.errors)
