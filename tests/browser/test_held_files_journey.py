"""An applicant who attached a file and left a required field blank finds the file kept on the
page that comes back, fills the field and submits without choosing the file again; the page
with the kept file reads in Chinese and fits a phone."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from qinkuaiban.cases.models import Attachment, Case, Intake
from qinkuaiban.catalogue.demo import seed_demo_data
from tests.browser.helpers import fill_trip_application, pdf_file, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TRIP_ITEM = "QKB-GC-001"  # 公务出行用车申请: one required material, 单位用车审批单
SHOTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "s8"
# A long name without a break in it: it must wrap on a phone, not widen the page.
LONG_NAME = "scan-of-the-signed-vehicle-approval-form-2026-11-30-final-version.pdf"


def test_a_file_chosen_before_a_form_error_is_kept_and_sent_with_the_corrected_form(
    page, cast, password, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_data(stdout=io.StringIO())
    sign_in(page, "zhangsan", password)
    page.goto(f"/cases/apply/{TRIP_ITEM}/")
    fill_trip_application(page)
    page.get_by_label("单位用车审批单").set_input_files(pdf_file(LONG_NAME))
    page.get_by_label("联系电话").fill("")
    page.get_by_role("button", name="提交", exact=True).click()

    expect(page.get_by_role("alert").filter(has_text="请修改标出的内容")).to_be_visible()
    expect(page.get_by_text("已选择的文件（将随申请一并提交）")).to_be_visible()
    kept = page.get_by_role("checkbox", name=re.compile(re.escape(LONG_NAME)))
    expect(kept).to_be_checked()
    expect(page.get_by_text("未被保留")).to_have_count(0)
    assert len(list((tmp_path / "media").rglob("*.pdf"))) == 1

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#materials-title").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "held-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = kept.locator("xpath=following-sibling::label").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    page.screenshot(path=str(SHOTS / "held-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("联系电话").fill("13800000001")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/(QKB\d{10}/submitted|received/[A-Z0-9]{12})/$"))
    if "/received/" in page.url:
        received = Intake.objects.get(applicant__username="zhangsan")
        names = [entry["original_name"] for entry in received.files]
        stored = {entry["file"] for entry in received.files}
    else:
        expect(page.get_by_role("heading", level=1, name="申请已提交")).to_be_visible()
        case = Case.objects.get(registered_by__username="zhangsan")
        names = list(Attachment.objects.filter(case=case).values_list("original_name",
                                                                      flat=True))
        stored = set(Attachment.objects.filter(case=case).values_list("file", flat=True))
    assert names == [LONG_NAME]
    # The held copy is gone: only the attachment's own file is left.
    media = tmp_path / "media"
    assert {p.relative_to(media).as_posix() for p in media.rglob("*.pdf")} == stored
