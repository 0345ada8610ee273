"""What the browser journeys share: signing in, a small PDF to upload, the case overview."""

import re
from typing import Any

from playwright.sync_api import Locator, Page

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
