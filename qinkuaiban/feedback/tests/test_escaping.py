"""Free text with HTML and script in every field is shown escaped everywhere it appears."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from qinkuaiban.feedback import services
from qinkuaiban.feedback.rules import FeedbackKind, TargetType
from qinkuaiban.feedback.tests.factories import completed_case, rate
from qinkuaiban.web.tests.helpers import sign_in

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def assert_escaped(response) -> None:
    body = response.content.decode()
    assert response.status_code in (200, 201)
    assert ESCAPED in body
    assert XSS not in body


@pytest.fixture
def hostile(kinds, zhangsan, lisi, wangwu):
    receipt = services.submit_feedback(
        kind=FeedbackKind.SUGGESTION, title=XSS, content=XSS, actor=None, anonymous=True,
        contact=XSS, target=services.Target(type=TargetType.STAFF, text=XSS[:100]),
        consent_to_publish=True)
    feedback = services.reply_to_feedback(feedback=receipt.feedback, actor=lisi, text=XSS)
    feedback = services.adopt_suggestion(feedback=feedback, actor=wangwu, note=XSS)
    feedback = services.publish_feedback(feedback=feedback, actor=wangwu, title=XSS, text=XSS,
                                         reply=XSS)
    return receipt


def test_the_submit_page_echoes_hostile_input_escaped(client, kinds):
    response = client.post(reverse("feedback:submit", args=["complaint"]), {
        "title": XSS, "content": XSS, "target_type": "staff", "respondent": "",
        "contact": XSS[:120]})
    assert response.status_code == 422
    assert "&lt;script&gt;" in response.content.decode() and XSS not in response.content.decode()


def test_the_receipt_shows_nothing_raw(client, kinds):
    response = client.post(reverse("feedback:submit", args=["complaint"]), {
        "title": XSS, "content": XSS, "target_type": "none"})
    assert response.status_code == 201 and XSS not in response.content.decode()


def test_the_tracking_page_escapes_every_field(client, hostile):
    client.post(reverse("feedback:track"), {"tracking_code": hostile.tracking_code,
                                            "pin": hostile.pin})
    assert_escaped(client.get(reverse("feedback:tracked", args=[hostile.feedback.pk])))


def test_the_staff_pages_escape_every_field(client, hostile, lisi):
    sign_in(client, lisi)
    page = client.get(reverse("feedback:detail", args=[hostile.feedback.number]))
    assert_escaped(page)
    assert page.content.decode().count(ESCAPED) >= 5
    assert_escaped(client.get(reverse("feedback:queue"), {"status": "replied"}))


def test_the_published_pages_escape_every_field(client, hostile):
    assert_escaped(client.get(reverse("feedback:published")))
    assert_escaped(client.get(reverse("feedback:published_detail", args=[hostile.feedback.pk])))
    assert_escaped(client.get(reverse("feedback:index")))


def test_a_hostile_rating_comment_and_steps_are_escaped(client, item, zhangsan, lisi):
    evaluation = rate(completed_case(item, zhangsan, lisi), zhangsan, 1, comment=XSS)
    services.contact_rater(rectification=evaluation.rectification, actor=lisi, note=XSS)
    sign_in(client, lisi)
    assert_escaped(client.get(reverse("feedback:rectification",
                                      args=[evaluation.rectification.pk])))
    request = RequestFactory().get("/")
    request.user = lisi
    panel = Template("{% load feedback_tags %}{% case_feedback case %}").render(
        Context({"request": request, "case": evaluation.case}))
    assert ESCAPED in panel and XSS not in panel


def test_a_hostile_template_is_escaped_in_the_reply_box(client, kinds, zhangsan, lisi, wangwu,
                                                        centre):
    template = services.save_reply_template(actor=wangwu, organisation=centre, kind="",
                                            title=XSS[:100], body=XSS)
    feedback = services.submit_feedback(kind="complaint", title="t", content="c",
                                        actor=zhangsan, anonymous=False).feedback
    sign_in(client, lisi)
    assert_escaped(client.get(reverse("feedback:template_body", args=[feedback.number]),
                              {"template": template.pk}))
    sign_in(client, wangwu)
    assert_escaped(client.get(reverse("feedback:templates")))
