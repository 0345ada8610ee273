"""Journeys of issue #4: an anonymous suggestion answered and judged satisfying; a completed case
rated 非常不满意, rectified and called back."""


import pytest
from playwright.sync_api import expect

from qinkuaiban.cases.tests.factories import make_item
from qinkuaiban.feedback.models import Feedback, Rectification
from qinkuaiban.feedback.rules import FeedbackStatus, RectificationStatus
from qinkuaiban.feedback.tests.factories import completed_case, feedback_items
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_an_anonymous_suggestion_is_answered_and_judged_satisfying(
    page, staff_page, cast, password
) -> None:
    feedback_items()
    page.goto("/feedback/")
    page.get_by_role("link", name="我要提建议").click()
    page.get_by_label("标题").fill("建议增加自行车棚")
    page.get_by_label("具体内容").fill("二号楼旁自行车无处停放，建议增加车棚。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("仅显示这一次")
    tracking_code = page.get_by_test_id("tracking-code").inner_text().strip()
    pin = page.get_by_test_id("pin").inner_text().strip()

    sign_in(staff_page, "lisi", password)
    feedback = Feedback.objects.get()
    staff_page.goto("/feedback/queue/")
    staff_page.get_by_role("link", name=feedback.number).click()
    staff_page.get_by_role("textbox", name="答复").fill("感谢建议，二号楼车棚将于下月建成。")
    staff_page.get_by_role("button", name="发送答复").click()
    expect(staff_page.get_by_text("答复已发送。")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/feedback/track/")
    page.get_by_label("查询码").fill(tracking_code)
    page.get_by_label("查询密码").fill(pin)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("二号楼车棚将于下月建成")).to_be_visible()
    page.get_by_role("group", name="您对答复是否满意？").get_by_label("是").check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价。")).to_be_visible()
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.CLOSED
    assert feedback.replies.get().satisfied is True


def test_a_very_dissatisfied_rating_is_rectified_and_called_back(
    page, staff_page, cast, password
) -> None:
    case = completed_case(make_item(materials=[]), cast["zhangsan"], cast["lisi"])
    sign_in(page, "zhangsan", password)
    page.goto(f"/feedback/rate/{case.number}/")
    for group in ("整体满意度", "办事效率", "办事指南精确度", "办事便捷度", "平台操作性"):
        page.get_by_role("group", name=group).get_by_label("非常不满意").check()
    page.get_by_label("意见", exact=True).fill("材料要求前后不一致，多跑了一趟。")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价！")).to_be_visible()
    rectification = Rectification.objects.get(evaluation__case=case)

    sign_in(staff_page, "lisi", password)
    staff_page.goto("/feedback/rectifications/")
    staff_page.get_by_role("link", name=case.number).click()
    steps = [
        ("登记联系情况", "联系评价人的方式及其反映的情况", "已电话联系张三，了解多跑一趟的原因。"),
        ("登记核实情况", "核实情况", "办事指南材料清单与窗口要求不一致，情况属实。"),
        ("整改", "整改情况", "已统一办事指南与窗口要求，并向张三致歉。"),
    ]
    for action, label, note in steps:
        staff_page.get_by_label(label).fill(note)
        staff_page.get_by_role("button", name=f"确认{action}").click()
        expect(staff_page.get_by_text(f"已完成：{action}。")).to_be_visible()
    # 李四 handled the case the rating is about: the call-back is his division head's.
    expect(staff_page.get_by_text("该差评涉及您本人")).to_be_visible()
    staff_page.context.clear_cookies()
    sign_in(staff_page, "wangwu", password)
    staff_page.goto(f"/feedback/rectifications/{rectification.pk}/")
    staff_page.get_by_label("回访情况").fill("回访张三，对整改结果表示满意。")
    staff_page.get_by_role("group", name="评价人是否满意？").get_by_label("是").check()
    staff_page.get_by_role("button", name="确认登记回访").click()
    expect(staff_page.get_by_text("已完成：登记回访。")).to_be_visible()
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.CLOSED
    assert rectification.rater_satisfied is True
