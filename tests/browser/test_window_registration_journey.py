"""The window registers a case for a walk-in applicant (只跑一次, 首问负责): 李四 opens the page
from the work queue, picks the access card service, finds 张三's account, scans the ID card and
lands on the new case with its number, responsible for it himself."""

import io
import re

import pytest
from playwright.sync_api import Page, expect

from qinkuaiban.cases.models import Attachment, Case, Channel, Status
from qinkuaiban.catalogue.demo import seed_demo_data
from qinkuaiban.identity.models import User
from tests.browser.helpers import meta_entry, pdf_file, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = "/tmp/window_register.png"
ACCESS_CARD = "集中办公区门禁卡办理"


def test_the_window_clerk_registers_an_access_card_case_for_a_walk_in_applicant(
    page: Page, cast: dict[str, User], password: str
) -> None:
    seed_demo_data(stdout=io.StringIO())
    sign_in(page, "lisi", password)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="办件队列").click()
    page.wait_for_url(re.compile(r"/cases/queue/"))
    page.locator(".page-header").get_by_role("link", name="登记办件").click()
    page.wait_for_url(re.compile(r"/cases/register/$"))
    expect(page.get_by_role("heading", level=1, name="登记办件")).to_be_visible()

    # 1. The service: its form and checklist are swapped in.
    page.get_by_role("combobox", name=re.compile(r"^服务事项")).select_option(label=ACCESS_CARD)
    expect(page.get_by_role("heading", name=f"四、申请表：{ACCESS_CARD}")).to_be_visible()
    expect(page.get_by_label("居民身份证")).to_be_attached()

    # 2. The applicant, found by name; the mobile number is masked.
    page.get_by_label("查找申请人账号").fill("张三")
    zhangsan = page.get_by_role("radio", name=re.compile("张三"))
    expect(zhangsan).to_be_visible()
    expect(page.locator("#applicant-results")).to_contain_text("138****0001")
    expect(page.locator("#applicant-results")).not_to_contain_text("13800000001")
    zhangsan.check()

    # 3. The channel: at the window (the default).
    expect(page.get_by_role("radio", name="窗口办理")).to_be_checked()

    # 4. and 5. The form and a scan of every required material.
    page.get_by_label("持卡人姓名").fill("张三")
    page.get_by_label("办公楼栋").select_option("2号楼")
    page.get_by_label(re.compile(r"^联系人\W*$")).fill("张三")
    page.get_by_label("联系电话").fill("13800000001")
    page.get_by_label("所在单位及处室").fill("省发改委规划处")
    page.get_by_label("居民身份证").set_input_files(pdf_file("身份证.pdf"))
    page.get_by_role("button", name="确认登记").click()

    page.wait_for_url(re.compile(r"/cases/QKB\d{10}/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.get_by_role("status")).to_contain_text(f"办件 {number} 已为张三登记")
    expect(page.get_by_role("heading", level=1, name=ACCESS_CARD)).to_be_visible()
    expect(page.locator(".case-title-meta")).to_contain_text(number)
    expect(meta_entry(page, "申请人")).to_contain_text("张三")
    expect(meta_entry(page, "渠道")).to_have_text("窗口办理")
    expect(meta_entry(page, "登记人")).to_have_text("李四")
    expect(meta_entry(page, "责任人")).to_have_text("李四")
    expect(page.get_by_role("link", name="身份证.pdf")).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)

    case = Case.objects.get(number=number)
    assert case.applicant == cast["zhangsan"] and case.registered_by == cast["lisi"]
    assert case.responsible == cast["lisi"] and case.channel == Channel.WINDOW
    assert case.status == Status.SUBMITTED
    assert list(Attachment.objects.filter(case=case).values_list("material__name", flat=True)) == [
        "居民身份证"]
