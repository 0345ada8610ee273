"""Screenshots of the main pages, for a person to look at after a change.

Usage: .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 PASSWORD [OUTDIR]
Signs in as the demo cast (zhangsan, lisi) against a running `make run` and saves PNGs at
desktop (1280 px) and phone (375 px) widths. Needs Debian's Chromium at /usr/bin/chromium.
"""

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PUBLIC = {"home": "/", "guide": "/guide/", "guide-search": "/guide/?q=tingche",
          "login": "/accounts/login/", "progress": "/cases/progress/"}
AS_APPLICANT = {"mine": "/cases/mine/", "messages": "/messages/", "profile": "/accounts/profile/"}
AS_HANDLER = {"queue": "/cases/queue/", "calendar": "/calendar/"}


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def shoot(page: Page, base: str, pages: dict[str, str], out: Path, prefix: str) -> None:
    for name, path in pages.items():
        page.goto(f"{base}{path}")
        page.screenshot(path=str(out / f"{prefix}-{name}.png"), full_page=True)


def main() -> None:
    base, password = sys.argv[1].rstrip("/"), sys.argv[2]
    out = Path(sys.argv[3] if len(sys.argv) > 3 else "test-artifacts/screens")
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for label, viewport in (("desktop", {"width": 1280, "height": 900}),
                                ("phone", {"width": 375, "height": 740})):
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            shoot(page, base, PUBLIC, out, f"{label}-public")
            sign_in(page, base, "zhangsan", password)
            shoot(page, base, AS_APPLICANT, out, f"{label}-zhangsan")
            context.close()
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            sign_in(page, base, "lisi", password)
            shoot(page, base, AS_HANDLER, out, f"{label}-lisi")
            first_case = page.locator("a[href*='/cases/QKB']").first
            if first_case.count():
                first_case.click()
                page.wait_for_load_state()
                page.screenshot(path=str(out / f"{label}-lisi-case.png"), full_page=True)
            context.close()
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
