"""What the browser journeys share: signing in, a small PDF to upload, the case overview."""

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

# The smallest file the upload sniffing accepts as a PDF (it reads the "%PDF-" magic).
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def sign_in(page: Page, username: str, password: str, *, wait: bool = True) -> None:
    """Sign in through the form; `wait` for the page after it (not when a refusal is expected)."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if wait:
        page.wait_for_url(lambda url: "/accounts/login/" not in url)


def pdf_file(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": SMALL_PDF}


def meta_entry(page: Page, label: str) -> Locator:
    """The value next to a label in the case overview (dl.meta)."""
    return page.locator("dl.meta dt", has_text=re.compile(rf"^{re.escape(label)}$")).locator(
        "xpath=following-sibling::dd[1]")


def fill_trip_application(page: Page) -> None:
    """The form of 公务出行用车申请 (QKB-GC-001) as an applicant fills it, with its one required
    material, ready to submit."""
    # The trip may be booked from today up to seven days ahead (the item's date bounds).
    trip = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page.get_by_label("出行日期").fill(trip)
    # The return date's picker starts at the trip date once it is chosen (web/qkb.js).
    expect(page.get_by_label("返程日期")).to_have_attribute("min", trip)
    page.get_by_label("目的地").fill("省档案馆")
    page.get_by_label("乘车人数").fill("3")
    page.get_by_label("公务事由").fill("赴省档案馆查阅办公用房调剂档案。")
    # The label reads "联系人 *" (required); "联系电话" must not match.
    page.get_by_label(re.compile(r"^联系人\W*$")).fill("张三")
    page.get_by_label("联系电话").fill("13800000001")
    page.get_by_label("所在单位及处室").fill("省甲厅规划处")
    page.get_by_label("单位用车审批单").set_input_files(pdf_file("用车审批单.pdf"))
