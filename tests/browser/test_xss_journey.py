"""Issue #5: an applicant types markup into an application in real Chromium; neither the
applicant's pages nor the handler's run it (no dialog ever opens), and both show it as text."""

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, Page, expect

from qinkuaiban.catalogue.demo import seed_demo_data
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

MEETING = "QKB-HY-001"  # 会议室预约: handled by the service centre, where 李四 works
SCRIPT_TOPIC = "<script>alert('topic')</script>"
IMAGE_NEEDS = '<img src=x onerror="alert(\'needs\')"><svg onload=alert(1)>'


def watch_dialogs(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens; an injected script would open one."""
    opened: list[str] = []

    def record(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


def test_markup_typed_into_an_application_never_runs(
    page: Page, browser: Any, live_server: Any, cast: Any, password: str,
) -> None:
    seed_demo_data(stdout=io.StringIO())
    opened = watch_dialogs(page)
    sign_in(page, "zhangsan", password)
    page.goto(f"/cases/apply/{MEETING}/")
    page.get_by_label("会议日期").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.get_by_label("时段").select_option("上午")
    page.get_by_label("参会人数").fill("12")
    page.get_by_label("会议名称").fill(SCRIPT_TOPIC)
    page.get_by_label("会务需求").fill(IMAGE_NEEDS)
    page.get_by_label("联系人").fill("张三")
    page.get_by_label("联系电话").fill("13800000001")
    page.get_by_label("所在单位及处室").fill("省发改委规划处")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/QKB\d{10}/submitted/$"))
    number = re.search(r"QKB\d{10}", page.url).group(0)  # type: ignore[union-attr]

    page.goto(f"/cases/{number}/")
    expect(page.get_by_text(SCRIPT_TOPIC).first).to_be_visible()
    expect(page.get_by_text(IMAGE_NEEDS).first).to_be_visible()
    page.goto("/cases/mine/")
    page.wait_for_load_state("networkidle")

    handler = browser.new_context(base_url=live_server.url, locale="zh-CN")
    handler.set_default_timeout(10_000)
    lisi = handler.new_page()
    handler_opened = watch_dialogs(lisi)
    sign_in(lisi, "lisi", password)
    lisi.goto("/cases/queue/")
    expect(lisi.get_by_text(number).first).to_be_visible()
    lisi.goto(f"/cases/{number}/")
    expect(lisi.get_by_text(SCRIPT_TOPIC).first).to_be_visible()
    expect(lisi.get_by_text(IMAGE_NEEDS).first).to_be_visible()
    lisi.wait_for_load_state("networkidle")
    handler.close()

    assert opened == []
    assert handler_opened == []
