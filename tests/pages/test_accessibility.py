"""The accessibility sweep: every page type of tests/pages/catalogue.py, in Romanian, Russian and
English, on a phone-sized window: axe-core finds nothing serious or critical, the page says its
language and is no wider than the phone, the skip link comes first and jumps to the main
content (one load of the page for these); and (in Romanian) a person with only a keyboard
reaches every link and control with Tab, in the document's order, each on screen and outlined,
leaving the page after the last one (no trap). One hub and one tab per role serve the whole
module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.pages.browsing import Watched, axe_findings
from tests.pages.catalogue import LANGUAGES, PAGES, PageType, prepare
from tests.pages.institutions import Hub, institutions_hub, sign_in
from tests.pages.keyboard import focused, stops, tab_through

pytestmark = pytest.mark.browser
CASES = [pytest.param(p, lang, id=f"{p.name}-{lang}") for p in PAGES for lang in LANGUAGES]
#: the full walk with Tab, in Romanian only: the controls and their order are the same in every
#: language (the texts differ, which axe, the skip link and the phone width check in all three)
WALKS = [pytest.param(p, LANGUAGES[0], id=f"{p.name}-{LANGUAGES[0]}") for p in PAGES]


@pytest.fixture(scope="module")
def hub(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The demo hub of this module, prepared for the desk's pages (a change awaits review)."""
    with institutions_hub(tmp_path_factory.mktemp("a11y")) as running:
        prepare(running)
        yield running


class Tabs:
    """One browser tab per role (None: signed out), phone-sized, reading Romanian first, reused
    by every test of the module; its errors are collected in ``watched``."""

    def __init__(self, browser: Browser, hub: Hub) -> None:
        self.browser, self.hub = browser, hub
        self.watched = Watched()
        self._open: dict[tuple[str, str] | None, Page] = {}

    def for_(self, p: PageType) -> Page:
        key = (p.institution, p.role) if p.role else None
        if key not in self._open:
            ctx = self.browser.new_context(locale="ro-MD", viewport={"width": 390, "height": 844})
            ctx.set_default_timeout(15_000)
            page = self.watched.attach(ctx.new_page())
            if p.role:
                sign_in(page, f"{self.hub.url}/login", self.hub.token(p.institution, p.role))
            self._open[key] = page
        return self._open[key]

    def close(self) -> None:
        for page in self._open.values():
            page.context.close()


@pytest.fixture(scope="module")
def tabs(browser: Browser, hub: Hub) -> Iterator[Tabs]:
    opened = Tabs(browser, hub)
    try:
        yield opened
    finally:
        opened.close()


def _open(tabs: Tabs, p: PageType, lang: str) -> Page:
    """``p`` in ``lang``, loaded, and when it has scripts, settled: what they fetch answered
    (Swagger UI's /openapi.json) and what they build built (the SPARQL editor), as a person
    finds it a moment later. What the tab still had in flight is dropped first, not counted."""
    page = tabs.for_(p)
    page.goto("about:blank")
    tabs.watched.errors.clear()
    answer = page.goto(p.url(tabs.hub.url, lang), wait_until="load")
    if page.locator("script[src]").count():
        page.wait_for_load_state("networkidle")
    assert answer is not None
    assert answer.status == p.status, p.url(tabs.hub.url, lang)
    if p.status >= 400:  # the browser's console reports the page's own status, once
        tabs.watched.errors.remove("console: Failed to load resource: the server responded "
                                   f"with a status of {p.status} ({answer.status_text})")
    return page


@pytest.mark.parametrize(("p", "lang"), CASES)
def test_axe_finds_nothing_serious_the_page_says_its_language_and_skips_to_its_content(
        tabs: Tabs, p: PageType, lang: str) -> None:
    """One load of the page for its checks as it stands, then its skip link (which moves the
    focus and the location, so it comes last)."""
    page = _open(tabs, p, lang)
    assert page.get_attribute("html", "lang") == lang
    assert axe_findings(page) == []
    # on a phone, nothing wider than the screen (no sideways scrolling)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert tabs.watched.errors == []
    _the_skip_link_comes_first_and_jumps_to_the_main_content(page)


@pytest.mark.parametrize(("p", "lang"), WALKS)
def test_tab_reaches_every_control_in_order_on_screen_and_outlined(
        tabs: Tabs, p: PageType, lang: str) -> None:
    page = _open(tabs, p, lang)
    expected = stops(page)
    assert expected, "nothing to focus on the page"
    assert [s.name for s in expected if s.tabindex > 0] == [], "a positive tabindex"
    assert expected[0].skip, f"the first stop is {expected[0].name}, not the skip link"
    visits = tab_through(page, len(expected) + 1)
    reached = [v.stop if v else None for v in visits[:-1]]
    assert reached == list(range(len(expected))), [
        (expected[i].name, f"got {v.name if v else 'nothing'}")
        for i, v in enumerate(visits[:-1]) if not v or v.stop != i][:5]
    assert [expected[v.stop].name for v in visits[:-1] if v and not v.on_screen] == []
    assert [expected[v.stop].name for v in visits[:-1] if v and not v.outlined] == []
    # an outline seen against the page: 3:1 at least (WCAG 2.2, 1.4.11 non-text contrast)
    assert [(expected[v.stop].name, v.outline_color, round(v.outline_contrast(), 2))
            for v in visits[:-1] if v and v.outline_contrast() < 3] == []
    # after the last control, focus leaves the page (headless Chromium, having no address bar,
    # sometimes goes round to the page's first control at once): it is not held anywhere
    assert visits[-1] is None or visits[-1].stop == 0, \
        f"Tab after the last control went to {visits[-1]}"
    assert tabs.watched.errors == []


def _the_skip_link_comes_first_and_jumps_to_the_main_content(page: Page) -> None:
    expected = stops(page)
    page.keyboard.press("Tab")
    first = focused(page)
    assert first is not None
    assert expected[first.stop].skip
    assert first.on_screen
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    after = focused(page)
    in_main = next((i for i, s in enumerate(expected) if s.in_main), None)
    assert (after.stop if after else None) == in_main, after


def test_a_text_shown_in_another_language_than_the_page_says_which(tabs: Tabs) -> None:
    """WCAG 3.1.2: the life events' description exists in Romanian only; on the Russian page a
    screen reader must read it as Romanian, on the Romanian page it is the page's language."""
    codelist = next(p for p in PAGES if p.name == "codelist")
    page = _open(tabs, codelist, "ru")
    assert page.get_attribute("#description", "lang") == "ro"
    page = _open(tabs, codelist, "ro")
    assert page.get_attribute("#description", "lang") is None
