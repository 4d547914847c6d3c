"""The story of issue 11, end to end in Chromium, one browser session per person, on one demo
hub: a clerk of ANOFM signs in, writes a new unemployment service offered at a village hall (a
one-stop shop) with mistakes, sees each message next to its field as they type, fixes them,
saves the draft and submits it; a reviewer finds it on the desk, reads what it would publish and
publishes it; a citizen with no cookie types `somaj` on the home page, sees the new service as
they type, opens it, reads where to apply and follows the village hall to the map, where that
place lists the new service."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.pages.institutions import Hub, institutions_hub, sign_in

CODE = "ANOFM-0950"
TITLE = "Consiliere pentru șomeri în căutarea unui loc de muncă"
PLACE = "Primăria satului Costești, raionul Ialoveni"  # one of the demo's 17 village halls
ONE_STOP_SHOP = "Centrul Unificat de Prestare a Serviciilor (CUPS)"
UNEMPLOYMENT = "Pierderea locului de muncă"  # the life event, in Romanian


@pytest.fixture(scope="module")
def hub(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The demo hub (`semcat serve`, demo data), its data folder known to `semcat token`."""
    with institutions_hub(tmp_path_factory.mktemp("story")) as served:
        yield served


@contextmanager
def person(browser: Browser) -> Iterator[tuple[Page, Watched]]:
    """A browser session of its own (no cookie), on a phone, reading Romanian."""
    ctx = browser.new_context(locale="ro-MD", viewport={"width": 390, "height": 844})
    ctx.set_default_timeout(15_000)
    watched = Watched()
    try:
        yield watched.attach(ctx.new_page()), watched
    finally:
        ctx.close()


def clerk_writes_and_submits(page: Page, hub: Hub) -> None:
    sign_in(page, f"{hub.url}/login?lang=ro", hub.token("ANOFM"))
    page.wait_for_url(lambda url: urlsplit(url).path == "/my")
    page.get_by_role("link", name="Pașaport nou").click()
    page.wait_for_url("**/my/services/new?lang=ro")
    expect(page.locator("h1")).to_be_visible()
    assert axe_findings(page) == []

    page.fill("#f-code", CODE)
    page.fill("#f-title-en", "Counselling for the unemployed looking for work")
    page.fill("#f-description-ro", "Consiliere individuală și în grup pentru persoanele aflate "
                                   "în șomaj, la primăria din sat.")
    expect(page.locator("#f-competent-authority option:checked")).to_have_text(
        re.compile("Ocuparea Forței de Muncă"))  # the clerk's own agency, chosen for them
    page.locator("fieldset[data-field=legal_resources]").get_by_label(
        "Legea nr. 105/2018", exact=False).first.check()
    page.locator("fieldset[data-field=audiences]").get_by_label(
        "Cetățean al Republicii Moldova").check()
    page.locator("fieldset[data-field=life_events]").get_by_label(UNEMPLOYMENT).check()
    page.fill("#f-costs-0-title-ro", "Taxă")
    page.select_option("#f-costs-0-currency", value=page.locator(
        "#f-costs-0-currency option[value$='/MDL']").get_attribute("value"))
    page.fill("#f-costs-0-value", "gratuit")  # a mistake: not a number; the ro title is empty
    page.select_option("#f-channels-0-type", label=ONE_STOP_SHOP)
    page.locator("fieldset[data-field='channels.0.locations']").get_by_label(PLACE).check()

    # each mistake is told next to its field, as the clerk types
    expect(page.locator("#m-title-ro")).to_contain_text("title.ro: textul este gol")
    expect(page.locator("#m-costs-0-value")).to_have_text(
        re.compile(r"^costs\.0\.value: .*număr"))
    expect(page.locator("#f-title-ro")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-title-ro")).to_have_accessible_description(
        re.compile("textul este gol"))  # read out with the field
    expect(page.locator("#ed-summary .ed-problems a")).to_have_count(2)
    expect(page.locator("#f-costs-0-value")).to_have_accessible_description(
        re.compile("număr"))
    assert axe_findings(page) == []

    page.fill("#f-title-ro", TITLE)
    page.fill("#f-costs-0-value", "0")
    expect(page.locator("#m-title-ro")).to_be_empty()
    expect(page.locator("#m-costs-0-value")).to_be_empty()
    expect(page.locator("#editor")).not_to_have_attribute("data-pending", "true")
    expect(page.locator("#ed-summary .ed-problems li")).to_have_count(0)

    page.get_by_role("button", name="Salvează ciorna").click()
    page.wait_for_url(f"**/my/services/{CODE}/edit?**saved=1")
    expect(page.get_by_role("status").filter(has_text="Ciorna")).to_have_text(
        "Ciorna a fost salvată (versiunea 1).")
    expect(page.locator("#f-title-ro")).to_have_value(TITLE)
    page.get_by_role("button", name="Salvează și trimite la verificare").click()
    page.wait_for_url("**submitted=1")
    expect(page.get_by_role("status").filter(has_text="Trimis")).to_have_text(
        "Trimis la verificare (versiunea 1).")
    assert axe_findings(page) == []


def reviewer_publishes(page: Page, hub: Hub) -> None:
    sign_in(page, f"{hub.url}/login?next=/review&lang=ro", hub.token("AGE", "reviewer"))
    assert urlsplit(page.url).path == "/review"
    item = page.locator(f"li[data-code='{CODE}']")
    expect(item.get_by_role("link")).to_have_text(f"{CODE} — {TITLE}")
    expect(item).to_contain_text("ANOFM")
    assert axe_findings(page) == []
    item.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"{CODE} — {TITLE}")
    # what publishing would change: for a first version, every field it brings
    diff = page.locator(".desk-diff")
    expect(diff.locator("li").filter(has_text="Denumirea (ro)").locator("dd").nth(1)
           ).to_have_text(TITLE)
    expect(diff.locator("li").filter(has_text="Evenimentele de viață").locator("dd").nth(1)
           ).to_have_text(UNEMPLOYMENT)
    expect(diff.locator("li").filter(has_text="Canalul")).to_contain_text("adăugat")
    assert axe_findings(page) == []
    page.get_by_role("button", name="Publică").click()
    page.wait_for_url(f"{hub.url}/review?lang=ro&done=published")
    expect(page.get_by_role("status")).to_have_text("Publicat.")
    expect(page.locator(f"li[data-code='{CODE}']")).to_have_count(0)


def _searchable(hub: Hub) -> None:
    """Wait (under a deadline) until the search follows the ledger's publication: the store is
    updated a moment after it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        hits = httpx.get(f"{hub.url}/api/v1/search", params={"q": "somaj"}).json()["hits"]
        if any(h["code"] == CODE for h in hits):
            return
        time.sleep(0.1)  # between polls, not instead of them
    pytest.fail(f"{CODE} is not found by the search 30 s after it was published")


def citizen_finds_it(page: Page, hub: Hub) -> None:
    page.goto(hub.url + "/")
    assert page.context.cookies() == []
    box = page.get_by_role("searchbox", name="Căutați un serviciu")
    box.press_sequentially("somaj", delay=40)  # no diacritics typed
    live = page.locator("#live-results")
    expect(live.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("3 servicii găsite")
    assert axe_findings(page) == []
    live.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/id/service/{CODE}?lang=ro")
    expect(page.locator("h1#title")).to_have_text(TITLE)
    channels = page.locator("#channels")
    expect(channels.get_by_role("heading")).to_have_text("Cum și unde se solicită")
    expect(channels).to_contain_text(ONE_STOP_SHOP)
    expect(channels.get_by_role("link", name=PLACE, exact=True)).to_be_visible()
    assert axe_findings(page) == []
    channels.get_by_role("link", name=re.compile(rf"pe hartă\s*: {PLACE}")).click()
    page.wait_for_url(re.compile(r"/map\?location=costesti-ialoveni"))
    popup = page.locator(".leaflet-popup-content")  # the marker of the place, opened
    expect(popup.locator(".popup-title")).to_have_text(PLACE)
    expect(popup.get_by_role("link", name=TITLE)).to_be_visible()
    entry = page.locator("li.place[aria-current=location]")  # and its entry in the list
    expect(entry.get_by_role("heading")).to_have_text(PLACE)
    expect(entry.get_by_role("link", name=TITLE)).to_be_visible()
    assert axe_findings(page) == []
    popup.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/id/service/{CODE}**")
    expect(page.locator("h1#title")).to_have_text(TITLE)


def test_a_clerk_writes_a_reviewer_publishes_a_citizen_finds_and_goes_there(
        hub: Hub, browser: Browser) -> None:
    with person(browser) as (clerk, watched):
        clerk_writes_and_submits(clerk, hub)
        assert watched.errors == []
    with person(browser) as (reviewer, watched):
        reviewer_publishes(reviewer, hub)
        assert watched.errors == []
    _searchable(hub)
    with person(browser) as (citizen, watched):
        citizen_finds_it(citizen, hub)
        assert watched.errors == []
