"""Journeys of issue #2: signing in, being locked out, administrators' second factor."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_applicant_signs_in_and_sees_the_chinese_home_page(page, cast, password) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    sign_in(page, "zhangsan", password)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_text("张三").first).to_be_visible()
    expect(page.get_by_role("link", name="服务指南").first).to_be_visible()


def test_repeated_wrong_passwords_lock_the_account_with_a_clear_message(page, cast) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        sign_in(page, "zhaoliu", "wrong-Password-1", wait=False)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("锁定")
    expect(alert).to_contain_text("15 分钟")


def test_the_right_password_is_refused_while_locked(page, cast, password) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        sign_in(page, "zhaoliu", "wrong-Password-1", wait=False)
    sign_in(page, "zhaoliu", password, wait=False)
    expect(page.get_by_role("alert")).to_contain_text("锁定")
    assert "/accounts/login/" in page.url


def test_an_administrator_is_asked_for_the_one_time_code(page, cast, password) -> None:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=cast["auditor"], name="phone", confirmed=True)
    sign_in(page, "auditor", password, wait=False)
    # A code that matches no time step the device accepts (it tolerates one step of drift).
    accepted = {totp(device.bin_key, drift=drift) for drift in (-1, 0, 1)}
    wrong = next(code for code in range(1_000_000) if code not in accepted)
    page.get_by_label("验证码").fill(f"{wrong:06d}")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_text("验证码不正确")).to_be_visible()
    # django-otp slows down guessing: after one failure the device waits a second.
    page.wait_for_timeout(1100)
    page.get_by_label("验证码").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="审计日志").first).to_be_visible()


def test_an_administrator_without_an_authenticator_must_set_one_up(page, cast, password) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "sysadmin", password)
    page.goto("/accounts/users/")
    expect(page.get_by_role("heading", name="设置双因素认证")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()


def test_the_home_page_works_on_a_phone(phone_page) -> None:  # type: ignore[no-untyped-def]
    phone_page.goto("/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    expect(phone_page.get_by_text("一次不跑").first).to_be_visible()
