"""The pages: submit and track (public, phone-friendly, Chinese), the submitter's verdict, the
staff queue and reply with templates, rating, the counter code, rectifications, statistics."""

import re

import pytest
from django.urls import reverse

from qinkuaiban.cases.models import Channel
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Evaluation, Feedback, Rectification
from qinkuaiban.feedback.rules import FeedbackKind, FeedbackStatus, RectificationStatus
from qinkuaiban.feedback.tests.factories import ReplyTemplateFactory, completed_case, rate, scores
from qinkuaiban.web.tests.helpers import sign_in


def test_the_public_entry_and_submit_pages_read_in_chinese(client, kinds):
    index = client.get(reverse("feedback:index"))
    assert index.status_code == 200 and "<h1>监督投诉与意见建议</h1>" in index.content.decode()
    page = client.get(reverse("feedback:submit", args=["suggestion"]))
    body = page.content.decode()
    assert page.status_code == 200 and "<h1>建议</h1>" in body and "匿名提交" in body


def test_an_anonymous_visitor_submits_and_sees_the_tracking_code_and_pin_once(client, kinds):
    response = client.post(reverse("feedback:submit", args=["complaint"]), {
        "title": "门禁卡办理慢", "content": "等了一周。", "target_type": "none",
        "contact": "13900000000"})
    assert response.status_code == 201
    feedback = Feedback.objects.get()
    body = response.content.decode()
    assert feedback.case.tracking_code in body
    assert re.search(r'data-testid="pin">(\d{6})<', body)
    assert "请立即保存以下信息。" in body
    again = client.get(reverse("feedback:tracked", args=[feedback.pk]))
    assert again.status_code == 200 and feedback.case.tracking_code not in again.content.decode()


def test_a_signed_in_user_submits_under_their_name(client, kinds, zhangsan):
    sign_in(client, zhangsan)
    response = client.post(reverse("feedback:submit", args=["praise"]), {
        "title": "表扬李四", "content": "服务热情。", "target_type": "none"})
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and feedback.case.applicant == zhangsan
    assert response.url == reverse("feedback:detail", args=[feedback.number])


def test_a_missing_target_detail_is_shown_next_to_its_field(client, kinds):
    response = client.post(reverse("feedback:submit", args=["complaint"]), {
        "title": "投诉", "content": "内容", "target_type": "case", "case_number": ""})
    assert response.status_code == 422 and not Feedback.objects.exists()


def test_the_tracking_page_opens_only_with_the_right_pin(client, kinds, lisi):
    receipt = services.submit_feedback(kind="complaint", title="空调不制冷", content="三楼",
                                       actor=None, anonymous=True)
    wrong = client.post(reverse("feedback:track"), {"tracking_code": receipt.tracking_code,
                                                    "pin": "000000" if receipt.pin != "000000"
                                                    else "111111"})
    assert wrong.status_code == 404
    assert client.get(reverse("feedback:tracked", args=[receipt.feedback.pk])).status_code == 404
    right = client.post(reverse("feedback:track"), {"tracking_code": receipt.tracking_code,
                                                    "pin": receipt.pin})
    assert right.status_code == 302
    services.reply_to_feedback(feedback=receipt.feedback, actor=lisi, text="已维修")
    page = client.get(right.url)
    assert "已维修" in page.content.decode()
    answered = client.post(reverse("feedback:tracked_answer", args=[receipt.feedback.pk]),
                           {"satisfied": "yes"})
    assert answered.status_code == 302
    receipt.feedback.refresh_from_db()
    assert receipt.feedback.status == FeedbackStatus.CLOSED


def test_guessing_pins_is_rate_limited(client, kinds, settings):
    settings.QKB_PUBLIC_LOOKUP_PER_MINUTE = 3
    receipt = services.submit_feedback(kind="complaint", title="t", content="c", actor=None,
                                       anonymous=True)
    statuses = [client.post(reverse("feedback:track"), {
        "tracking_code": receipt.tracking_code, "pin": f"{n:06d}"}).status_code
        for n in range(5)]
    assert statuses[-1] == 429
    right = client.post(reverse("feedback:track"), {"tracking_code": receipt.tracking_code,
                                                    "pin": receipt.pin})
    assert right.status_code == 429


def test_staff_reply_from_a_template(client, kinds, zhangsan, lisi, centre):
    feedback = services.submit_feedback(kind="complaint", title="t", content="c",
                                        actor=zhangsan, anonymous=False).feedback
    template = ReplyTemplateFactory.create(organisation=centre)
    sign_in(client, lisi)
    page = client.get(reverse("feedback:detail", args=[feedback.number]))
    assert page.status_code == 200 and template.title in page.content.decode()
    body = client.get(reverse("feedback:template_body", args=[feedback.number]),
                      {"template": template.pk}, HTTP_HX_REQUEST="true")
    assert template.body in body.content.decode()
    sent = client.post(reverse("feedback:reply", args=[feedback.number]),
                       {"template": template.pk, "text": template.body})
    assert sent.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.REPLIED
    assert feedback.replies.get().template == template


def test_the_queue_lists_only_the_organisations_feedback(client, kinds, zhangsan, lisi, orgs,
                                                         django_assert_max_num_queries):
    for n in range(3):
        services.submit_feedback(kind="suggestion", title=f"建议{n}", content="c",
                                 actor=zhangsan, anonymous=False)
    sign_in(client, lisi)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("feedback:queue"))
    assert page.status_code == 200 and page.content.decode().count("建议") >= 3


def test_the_applicant_rates_on_the_rating_page(client, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    sign_in(client, zhangsan)
    page = client.get(reverse("feedback:rate", args=[case.number]))
    assert page.status_code == 200 and "非常满意" in page.content.decode()
    data = {"item-level": "2", "item-comment": "太慢了",
            **{f"item-score_{name}": "2" for name in scores()}}
    response = client.post(reverse("feedback:rate", args=[case.number]), data)
    assert response.status_code == 302
    assert Evaluation.objects.get(case=case).level == 2
    assert Rectification.objects.filter(evaluation__case=case).exists()
    again = client.post(reverse("feedback:rate", args=[case.number]), data)
    assert again.status_code == 409


def test_another_applicant_gets_404_on_the_rating_page(client, item, zhangsan, zhaoliu, lisi):
    case = completed_case(item, zhangsan, lisi)
    sign_in(client, zhaoliu)
    assert client.get(reverse("feedback:rate", args=[case.number])).status_code == 404


def test_the_counter_shows_a_qr_code_that_opens_the_rating_without_sign_in(client, item,
                                                                          zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi, channel=Channel.WINDOW)
    sign_in(client, lisi)
    listing = client.get(reverse("feedback:counter"))
    assert case.number in listing.content.decode()
    page = client.get(reverse("feedback:counter_code", args=[case.number]))
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body
    found = re.search(r'href="(http://testserver/feedback/rate/code/[^"]+)"', body)
    assert found is not None
    url = found.group(1)
    client.logout()
    rating = client.get(url)
    assert rating.status_code == 200 and "服务态度" in rating.content.decode()
    assert client.get("/feedback/rate/code/forged-token/").status_code == 404


def test_the_rectification_is_worked_on_its_page(client, item, zhangsan, lisi):
    evaluation = rate(completed_case(item, zhangsan, lisi), zhangsan, 1)
    rectification = evaluation.rectification
    sign_in(client, lisi)
    page = client.get(reverse("feedback:rectification", args=[rectification.pk]))
    assert page.status_code == 200 and "整改" in page.content.decode()
    url = reverse("feedback:rectification_act", args=[rectification.pk, "contact"])
    assert client.post(url, {"contact-note": "已电话联系"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CONTACTED


def test_the_dashboard_is_for_heads_leaders_and_supervisors(client, cast, wangwu, sunqi, zhouba,
                                                            lisi, zhangsan):
    for person in (wangwu, sunqi, zhouba):
        sign_in(client, person)
        assert client.get(reverse("feedback:statistics")).status_code == 200
    for person in (lisi, zhangsan):
        sign_in(client, person)
        assert client.get(reverse("feedback:statistics")).status_code == 403


@pytest.mark.parametrize("kind", FeedbackKind.values)
def test_every_kind_has_a_submit_page(client, kinds, kind):
    assert client.get(reverse("feedback:submit", args=[kind])).status_code == 200


def _render(source: str, **context):
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = context.pop("user", None)
    return Template(source).render(Context({"request": request, **context}))


def test_the_item_page_box_shows_sample_too_small_below_the_minimum(item, zhangsan, lisi):
    rate(completed_case(item, zhangsan, lisi), zhangsan, 5)
    box = _render("{% load feedback_tags %}{% rating_stats item %}", item=item)
    assert "好差评" in box and "样本不足" in box and "好评率" in box


def test_the_case_panel_invites_the_applicant_and_shows_staff_the_ratings(item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    panel = _render("{% load feedback_tags %}{% case_feedback case %}", case=case, user=zhangsan)
    assert "评价本次服务" in panel and f"/feedback/rate/{case.number}/" in panel
    rate(case, zhangsan, 1)
    staff_panel = _render("{% load feedback_tags %}{% case_feedback case %}", case=case,
                          user=lisi)
    assert "非常不满意" in staff_panel and "/feedback/rectifications/" in staff_panel
    assert _render("{% load feedback_tags %}{% case_feedback case %}", case=case,
                   user=None).strip() == ""


def test_an_unfinished_case_s_panel_tells_the_applicant_when_they_may_rate(item, zhangsan):
    from qinkuaiban.cases.tests.factories import submit

    case = submit(item, zhangsan)
    panel = _render("{% load feedback_tags %}{% case_feedback case %}", case=case, user=zhangsan)
    assert "服务评价" in panel and "办结后即可对本次服务进行评价。" in panel
    assert "/feedback/rate/" not in panel


def test_flooding_the_public_form_is_rate_limited(client, kinds, settings):
    settings.QKB_PUBLIC_LOOKUP_PER_MINUTE = 2
    statuses = [client.post(reverse("feedback:submit", args=["suggestion"]), {
        "title": f"建议{n}", "content": "内容", "target_type": "none"}).status_code
        for n in range(3)]
    assert statuses == [201, 201, 429]
    assert Feedback.objects.count() == 2
