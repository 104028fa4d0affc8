"""Headless Chromium (Debian's, driven by Playwright) for the end-to-end tests.

Each test gets a fresh tab that records console errors, alert dialogs and every request; when
the test ends the tab must have logged no error, opened no dialog and asked nothing of any host
but 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium calls Google's hosts at start-up.
CHROMIUM_ARGS = [
    *("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"),
    *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
]


# Per module, not per session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and later tests call asyncio.run.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("install chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Tab:
    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context()
    page = context.new_page()
    opened = Tab(page)
    page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    context.on("request", lambda request: opened.requests.append(request.url))
    yield opened
    context.close()
    assert opened.errors == []
    assert opened.dialogs == []
    assert opened.requests
    local = [urlsplit(url) for url in opened.requests]
    assert all(u.hostname == "127.0.0.1" or u.scheme in ("file", "data") for u in local), local
