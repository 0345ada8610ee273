"""What a tester walking the pages as GOA staff found: a reloaded submission filed twice, links
to pages that refuse the reader, button labels that read badly, English pages with Chinese
text, and no word on what follows a bad rating."""

import re

from django.test import Client
from django.urls import reverse

from qinkuaiban.feedback import services
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import Feedback
from qinkuaiban.feedback.tests.factories import completed_case, rate, scores
from qinkuaiban.web.tests.helpers import sign_in

SUGGESTION = {"title": "建议增加自行车棚", "content": "二号楼旁自行车无处停放。",
              "target_type": "none"}


def _token(client, kind: str = "suggestion") -> str:
    page = client.get(reverse("feedback:submit", args=[kind]))
    found = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    assert found is not None
    return found.group(1)


def test_each_submit_page_carries_its_own_one_time_token(client, kinds):
    assert _token(client) != _token(client)


def test_reloading_an_anonymous_receipt_files_nothing_new_and_says_so(client, kinds):
    url = reverse("feedback:submit", args=["suggestion"])
    data = {**SUGGESTION, "form_token": _token(client)}
    first = client.post(url, data)
    assert first.status_code == 201
    feedback = Feedback.objects.get()
    again = client.post(url, data)
    body = again.content.decode()
    assert again.status_code == 409 and Feedback.objects.count() == 1
    assert "该件已经收到。" in body and "请使用提交时显示的查询码和查询密码" in body
    assert 'data-testid="pin"' not in body
    # This browser opened it with its codes already: it may follow it from here.
    assert reverse("feedback:tracked", args=[feedback.pk]) in body
    fresh = re.search(r'name="form_token" value="([^"]+)"', body)
    assert fresh is not None and fresh.group(1) != data["form_token"]


def test_a_replayed_anonymous_token_from_another_browser_opens_nothing(client, kinds):
    url = reverse("feedback:submit", args=["complaint"])
    data = {**SUGGESTION, "form_token": _token(client, "complaint")}
    assert client.post(url, data).status_code == 201
    other = Client().post(url, data)
    body = other.content.decode()
    assert other.status_code == 409 and Feedback.objects.count() == 1
    assert reverse("feedback:track") in body
    assert reverse("feedback:tracked", args=[Feedback.objects.get().pk]) not in body


def test_a_signed_in_replay_leads_to_the_submission_already_filed(client, kinds, zhangsan):
    sign_in(client, zhangsan)
    url = reverse("feedback:submit", args=["suggestion"])
    data = {**SUGGESTION, "form_token": _token(client)}
    first = client.post(url, data)
    feedback = Feedback.objects.get()
    again = client.post(url, data, follow=True)
    assert Feedback.objects.count() == 1
    assert first.url == again.redirect_chain[0][0] == reverse("feedback:detail",
                                                              args=[feedback.number])
    assert f"您提交的 {feedback.number} 已经收到，本次未重复提交。" in again.content.decode()


def test_the_supervisor_sees_no_case_link_the_case_page_would_refuse(client, item, kinds,
                                                                     zhangsan, lisi, zhouba):
    evaluation = rate(completed_case(item, zhangsan, lisi), zhangsan, 1)
    feedback = services.submit_feedback(kind="complaint", title="窗口态度差", content="c",
                                        actor=zhangsan, anonymous=False).feedback
    pages = [reverse("feedback:rectification", args=[evaluation.rectification.pk]),
             reverse("feedback:detail", args=[feedback.number])]
    case_pages = [reverse("cases:detail", args=[evaluation.case.number]),
                  reverse("cases:detail", args=[feedback.number])]
    sign_in(client, zhouba)
    for page, case_page in zip(pages, case_pages, strict=True):
        response = client.get(page)
        assert response.status_code == 200 and case_page not in response.content.decode()
        assert client.get(case_page).status_code == 404
    sign_in(client, lisi)
    for page, case_page in zip(pages, case_pages, strict=True):
        assert case_page in client.get(page).content.decode()
        assert client.get(case_page).status_code == 200


def test_the_statistics_link_is_shown_only_to_those_the_dashboard_admits(client, cast, lisi,
                                                                         wangwu, sunqi, zhouba):
    link = f'href="{reverse("feedback:statistics")}"'
    for person, admitted in ((lisi, False), (wangwu, True), (sunqi, True), (zhouba, True)):
        sign_in(client, person)
        index = client.get(reverse("feedback:index")).content.decode()
        assert (link in index) is admitted
        assert client.get(reverse("feedback:statistics")).status_code == (
            200 if admitted else 403)


def test_every_kind_has_a_button_that_reads_naturally(client, kinds):
    body = client.get(reverse("feedback:index")).content.decode()
    for label in ("我要投诉", "我要提建议", "我要表扬", "给局长写信"):
        assert f">{label}</a>" in body
    assert "我要局长信箱" not in body


def test_the_entry_page_reads_fully_in_english_when_english_is_chosen(client, kinds):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("feedback:index")).content.decode()
    assert "Tell us how to do better." in body and ">Write to the leadership</a>" in body
    assert "请告诉我们" not in body and "给局长写信" not in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "请告诉我们如何做得更好" in client.get(reverse("feedback:index")).content.decode()


def test_a_very_dissatisfied_rating_is_told_what_happens_next(client, item, zhangsan, lisi,
                                                              settings):
    settings.QKB_FEEDBACK_CONTACT_DAYS = 2
    case = completed_case(item, zhangsan, lisi)
    sign_in(client, zhangsan)
    url = reverse("feedback:rate", args=[case.number])
    before = client.get(url).content.decode()
    assert "已启动差评整改" not in before
    data = {"item-level": "1", "item-comment": "多跑了一趟",
            **{f"item-score_{name}": "1" for name in scores()}}
    body = client.post(url, data, follow=True).content.decode()
    assert "感谢您的评价！" in body
    assert (f"已启动差评整改。{case.handling_org.name}将在 {days('QKB_FEEDBACK_CONTACT_DAYS')} "
            "个工作日内与您联系") in body
    assert f'href="{reverse("cases:detail", args=[case.number])}">返回办件</a>' in body


def test_a_good_rating_promises_no_rectification(client, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    rate(case, zhangsan, 5)
    sign_in(client, zhangsan)
    body = client.get(reverse("feedback:rate", args=[case.number])).content.decode()
    assert "非常满意" in body and "已启动差评整改" not in body and "返回办件" in body
