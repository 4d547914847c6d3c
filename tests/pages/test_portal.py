"""The citizens' portal in Chromium: a person types `somaj` in the home page's box and the
unemployment services appear as they type; they open one and see when it was last updated and
how and where to apply; with scripts off the same through the form; every page in its
language, reachable with the keyboard, with no serious accessibility finding and nothing
refused by the Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from api.pages.portal_text import _UI as PORTAL_WORDS
from api.pages.routes import _UI as PAGE_WORDS
from catalog.records.diff import FIELD_LABELS
from tests.pages.browsing import Watched, axe_findings
from tests.servers import Served

UNEMPLOYMENT = "Stabilirea ajutorului de șomaj"  # ANOFM-0001, the demo's
#: every Romanian label of the portal and of the service page that differs from its Russian
ROMANIAN_LABELS = {w["ro"] for words in (PORTAL_WORDS, PAGE_WORDS) for w in words.values()
                   if w["ro"] != w.get("ru")} | {w["ro"] for w in FIELD_LABELS.values()}
#: the portal's pages, each with a word of its own it must show in the page's language
PAGES = [("/", "life_events"), ("/search?q=pensie", "results"),
         ("/life-events/unemployment", "life_event"), ("/business-events/start",
                                                       "business_event"),
         ("/authorities/ANOFM", "authority"), ("/map", "map"),
         ("/id/service/ASP-0002", None)]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _opens_the_unemployment_service(page: Page) -> None:
    expect(page.locator("h1#title")).to_have_text(UNEMPLOYMENT)
    expect(page.locator("#updated time")).to_have_attribute("datetime", _DAY)
    channels = page.locator("#channels")
    expect(channels.get_by_role("heading")).to_have_text("Cum și unde se solicită")
    expect(channels.get_by_role("link", name="Solicitați online")).to_have_attribute(
        "href", "https://servicii.gov.md/ro/service/ANOFM-0001")


def test_results_appear_as_a_citizen_types_somaj(demo_hub: Served, page: Page,
                                                 watched: Watched) -> None:
    page.goto(demo_hub.url + "/")
    box = page.get_by_role("searchbox", name="Căutați un serviciu")
    box.press_sequentially("somaj", delay=40)  # no diacritics typed
    live = page.locator("#live-results")
    expect(live.get_by_role("link", name=UNEMPLOYMENT)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("2 servicii găsite")
    assert axe_findings(page) == []
    box.press("ArrowDown")  # from the box to the first result
    first = live.get_by_role("link").first
    expect(first).to_be_focused()
    expect(first).to_have_text(UNEMPLOYMENT)
    page.keyboard.press("Enter")
    page.wait_for_url("**/id/service/ANOFM-0001?lang=ro")
    _opens_the_unemployment_service(page)
    assert axe_findings(page) == []
    assert watched.errors == []


def test_tab_reaches_the_box_and_the_results_and_esc_clears(demo_hub: Served, page: Page,
                                                            watched: Watched) -> None:
    page.goto(demo_hub.url + "/")
    for _ in range(30):  # from the top of the page, with the keyboard only
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("pensie")
    live = page.locator("#live-results")
    expect(live.get_by_role("link").first).to_be_visible()
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the first result
    expect(live.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator("#q")).to_be_focused()
    expect(live).to_be_hidden()
    assert watched.errors == []


def test_more_results_than_shown_lead_to_the_results_page(demo_hub: Served, page: Page,
                                                          watched: Watched) -> None:
    page.goto(demo_hub.url + "/?lang=en")
    page.get_by_role("searchbox").press_sequentially("certificat", delay=40)
    live = page.locator("#live-results")
    expect(live.get_by_role("link", name="All the results")).to_be_visible()
    assert live.locator("a[href^='/id/service/']").count() == 8
    live.get_by_role("link", name="All the results").click()
    page.wait_for_url(re.compile(r"/search\?q=certificat&lang=en$"))
    expect(page.locator("#results > li")).to_have_count(20)  # a page; the next one follows
    expect(page.get_by_role("link", name="Next page")).to_be_visible()
    assert watched.errors == []


def test_without_scripts_the_form_finds_the_service(
        demo_hub: Served, no_script_page: tuple[Page, Watched]) -> None:
    page, watched = no_script_page  # (axe needs scripts: the same markup is checked with them)
    page.goto(demo_hub.url + "/")
    page.get_by_role("searchbox", name="Căutați un serviciu").fill("somaj")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=somaj"))
    expect(page.locator("#count")).to_have_text("2 servicii găsite")
    assert page.locator("#live-results").count() == 0  # no script ran
    page.locator("#results").get_by_role("link", name=UNEMPLOYMENT).click()
    _opens_the_unemployment_service(page)
    assert watched.errors == []


def test_life_events_and_authorities_list_their_services(demo_hub: Served, page: Page,
                                                         watched: Watched) -> None:
    page.goto(demo_hub.url + "/")
    page.locator("#life-events").get_by_role("link", name="Pierderea locului de muncă").click()
    expect(page.locator("h1#title")).to_have_text("Pierderea locului de muncă")
    expect(page.locator("#services").get_by_role("link", name=UNEMPLOYMENT)).to_be_visible()
    assert axe_findings(page) == []
    page.goto(demo_hub.url + "/")
    page.locator("#authorities").get_by_role(
        "link", name="Agenția Națională pentru Ocuparea Forței de Muncă").click()
    expect(page.locator("#count")).to_have_text("5 servicii")
    expect(page.locator("#services li")).to_have_count(5)
    assert axe_findings(page) == []
    assert watched.errors == []


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
def test_every_page_speaks_the_language_asked(demo_hub: Served, page: Page, watched: Watched,
                                              lang: str) -> None:
    for path, word in PAGES:
        page.goto(f"{demo_hub.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang, path
        labels = [t.strip().rstrip(":").strip() for t in page.locator(
            "h1, h2, dt, label, button, .badge, nav a, #count, .summary, .muted"
        ).all_inner_texts()]
        if word is not None:
            assert any(PORTAL_WORDS[word][lang] in t for t in labels), (path, word)
        if lang == "ru":  # no Romanian field label on a Russian page
            assert not set(labels) & ROMANIAN_LABELS, path
        assert axe_findings(page) == [], path
    assert watched.errors == []
