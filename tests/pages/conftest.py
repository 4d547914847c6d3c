"""Fixtures of the page tests: one Chromium per test module (Playwright driving Debian's
``chromium``), a fresh browser context per test, and `semcat serve` with the demo data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.pages.browsing import CHROMIUM_ARGS, Watched
from tests.servers import Served, free_port, semcat_serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    # per module, not per session: while Playwright's sync API is open it keeps an event loop
    # running on the main thread, and a later module in the same test worker could not start
    # one of its own (asyncio.run() refuses)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile (no cookies) reading Romanian first, on a phone-sized window."""
    ctx = browser.new_context(locale="ro-MD", viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def watched() -> Watched:
    return Watched()


@pytest.fixture
def no_script_page(browser: Browser) -> Iterator[tuple[Page, Watched]]:
    """A phone-sized page reading Romanian, with JavaScript turned off, and what went wrong on
    it."""
    ctx = browser.new_context(java_script_enabled=False, locale="ro-MD",
                              viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(15_000)
    watched = Watched()
    try:
        yield watched.attach(ctx.new_page()), watched
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext, watched: Watched) -> Page:
    """A page whose script errors, console errors and failed requests land in ``watched``."""
    return watched.attach(context.new_page())


@pytest.fixture(scope="module")
def demo_hub(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`semcat serve` on a free loopback port with the demo data (a hub per test module)."""
    port = free_port()
    env = {"SEMCAT_DATA_DIR": str(tmp_path_factory.mktemp("pages") / "data"),
           "SEMCAT_LOAD_DEMO": "true", "SEMCAT_BASE_URI": f"http://127.0.0.1:{port}/",
           "SEMCAT_QUERY_WORKERS": "1"}
    with semcat_serving(tmp_path_factory.mktemp("log") / "serve.log", env, port=port) as hub:
        yield hub
