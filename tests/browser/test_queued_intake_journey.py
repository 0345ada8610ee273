"""The peak-day journey: a division head puts a service on the queued intake, an applicant
submits and sees the receipt at once, the intake worker registers the application, and the
receipt page moves on to the case's confirmation by itself (htmx asks every two seconds)."""

import io
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from qinkuaiban.cases import intake
from qinkuaiban.cases.models import Case, Intake
from qinkuaiban.catalogue.demo import seed_demo_data
from tests.browser.helpers import fill_trip_application, meta_entry, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TRIP_ITEM = "QKB-GC-001"  # 公务出行用车申请: one required material
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _register_in_the_background() -> threading.Thread:
    """The intake worker, as `process_intakes --loop` runs it beside the web server."""

    def work() -> None:
        try:
            deadline = timezone.now() + timezone.timedelta(seconds=20)
            while timezone.now() < deadline and not intake.process_queued():
                threading.Event().wait(0.5)
        finally:
            # The thread's own connection: left open, the test database cannot be dropped.
            connections.close_all()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_on_a_peak_day_the_applicant_gets_a_receipt_at_once_and_then_the_case_number(
    browser, live_server, page, cast, password,
) -> None:
    seed_demo_data(stdout=io.StringIO())
    head = browser.new_context(base_url=live_server.url, locale="zh-CN")
    head.set_default_timeout(10_000)
    manage = head.new_page()
    sign_in(manage, "wangwu", password)
    manage.goto("/guide/manage/")
    row = manage.locator(f"#item-{TRIP_ITEM}")
    row.get_by_role("button", name="开启").click()
    expect(manage.get_by_role("status").filter(has_text="已开启排队受理")).to_be_visible()
    expect(manage.locator(f"#item-{TRIP_ITEM}").get_by_text("已开启")).to_be_visible()
    head.close()

    sign_in(page, "zhangsan", password)
    page.goto(f"/cases/apply/{TRIP_ITEM}/")
    fill_trip_application(page)
    page.get_by_role("button", name="提交", exact=True).click()

    page.wait_for_url(re.compile(r"/cases/received/[A-Z0-9]{12}/$"))
    expect(page.get_by_role("heading", level=1, name="申请接收回执")).to_be_visible()
    receipt = meta_entry(page, "接收回执号").inner_text().strip()
    assert Intake.objects.filter(receipt=receipt, case__isnull=True).exists()
    assert not Case.objects.filter(registered_by__username="zhangsan").exists()
    expect(page.get_by_text("正在登记为办件")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queued-intake-receipt.png"), full_page=True)

    worker = _register_in_the_background()
    # No reload: the page asks by itself and goes on to the confirmation.
    page.wait_for_url(re.compile(r"/cases/QKB\d{10}/submitted/$"), timeout=20_000)
    worker.join(timeout=5)
    expect(page.get_by_role("heading", level=1, name="申请已提交")).to_be_visible()
    number = meta_entry(page, "办件编号").inner_text().strip()
    case = Case.objects.get(number=number)
    registered = Intake.objects.get(receipt=receipt)
    assert registered.case == case and case.submitted_at == registered.received_at
