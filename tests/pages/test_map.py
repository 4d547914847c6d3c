"""The map of the one-stop shops in Chromium: a person follows a one-stop shop from a service
page to /map and finds it open on the map with that service; the markers' images and the
country outlines come from this server (no tile server, nothing from another origin); with
scripts off the page is the list of the places and their services."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.servers import Served

SERVICE = "Preschimbarea permisului de conducere"  # ASP-0002: 17 village halls, 5 consulates
PLACE = "Primăria satului Bravicea, raionul Călărași"  # its first one-stop shop, by name
LONDON = "Embassy of the Republic of Moldova to the United Kingdom, consular section"


def _follow_the_first_one_stop_shop(page: Page, url: str) -> None:
    page.goto(f"{url}/id/service/ASP-0002")
    link = page.locator("#channels a.on-map").first
    expect(link).to_have_accessible_name(re.compile(rf"pe hartă\s*: {PLACE}"))
    link.click()
    page.wait_for_url(re.compile(r"/map\?location=bravicea-calarasi"))


def test_a_one_stop_shop_of_a_service_opens_on_the_map(demo_hub: Served, page: Page,
                                                       watched: Watched) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _follow_the_first_one_stop_shop(page, demo_hub.url)
    markers = page.locator(".leaflet-marker-icon")
    expect(markers).to_have_count(22)  # 17 village halls, 5 consular offices
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".popup-title")).to_have_text(PLACE)
    expect(popup.get_by_role("link", name=SERVICE)).to_be_visible()
    expect(page.locator("path.leaflet-interactive, .leaflet-overlay-pane path").first
           ).to_be_attached()  # the country outlines were drawn
    icon = markers.first
    assert icon.get_attribute("src") == "/static/lib/images/marker-icon-2x.png" or \
        icon.get_attribute("src") == "/static/lib/images/marker-icon.png"
    assert icon.evaluate("img => img.complete && img.naturalWidth > 0")
    assert all(r.startswith(demo_hub.url) for r in requests), requests  # nothing from elsewhere
    assert axe_findings(page) == []
    assert watched.errors == []


def test_clicking_a_marker_shows_the_place_and_its_services(demo_hub: Served, page: Page,
                                                            watched: Watched) -> None:
    # the outlines loaded before the person leaves the page (a fetch cut short by following the
    # link would count as a failed request)
    page.goto(f"{demo_hub.url}/map?lang=en", wait_until="networkidle")
    marker = page.get_by_role("button", name=LONDON)
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".popup-title")).to_have_text(LONDON)
    expect(popup).to_contain_text("Address")
    # the map pans the opened popup into view (Leaflet animates it for ~0.25 s): a click sent
    # while it moves can land beside the link on a loaded machine
    expect(page.locator(".leaflet-map-pane.leaflet-pan-anim")).to_have_count(0)
    link = popup.get_by_role("link", name="Exchange of the driving licence")
    link.click()
    page.wait_for_url("**/id/service/ASP-0002?lang=en")
    assert watched.errors == []


def test_without_scripts_the_map_page_is_the_list_of_places(
        demo_hub: Served, no_script_page: tuple[Page, Watched]) -> None:
    page, watched = no_script_page  # (axe needs scripts: the same markup is checked with them)
    _follow_the_first_one_stop_shop(page, demo_hub.url)
    place = page.locator("#loc-bravicea-calarasi")
    expect(place).to_have_attribute("aria-current", "location")
    expect(place.get_by_role("heading")).to_have_text(PLACE)
    expect(place.get_by_role("link", name=SERVICE)).to_be_visible()
    expect(page.locator("li.place")).to_have_count(22)
    assert page.locator(".leaflet-container").count() == 0
    assert watched.errors == []
