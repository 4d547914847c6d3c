"""The pages' stylesheet and npm libraries are served by the hub itself (no CDN), and a page
that uses them loads with nothing refused by its Content-Security-Policy."""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import Page

from tests.pages.browsing import ROOT, Watched
from tests.servers import Served


def test_every_built_file_is_served_with_a_cache_lifetime(demo_hub: Served) -> None:
    manifest = json.loads((ROOT / "api/pages/static/lib/manifest.json").read_text("utf-8"))
    assert "leaflet.css" in manifest["files"]
    for name, size in manifest["files"].items():
        got = httpx.get(f"{demo_hub.url}/static/lib/{name}")
        assert got.status_code == 200, name
        assert len(got.content) == size, name
        assert "max-age" in got.headers["cache-control"]
    assert httpx.get(f"{demo_hub.url}/static/semcat.css").status_code == 200


def test_nothing_outside_the_static_folder_is_served(demo_hub: Served) -> None:
    for path in ("/static/../app.py", "/static/%2e%2e/routes.py", "/static/lib/../../routes.py",
                 "/static/%2e%2e%2f%2e%2e%2fapp.py"):
        assert httpx.get(demo_hub.url + path).status_code == 404, path


def test_a_page_loads_its_stylesheet_under_its_policy(demo_hub: Served, page: Page,
                                                      watched: Watched) -> None:
    page.goto(f"{demo_hub.url}/sparql", wait_until="networkidle")
    color = page.evaluate(
        "getComputedStyle(document.querySelector('header')).borderBottomColor")
    assert color == "rgb(0, 75, 141)"  # from /static/semcat.css
    assert watched.errors == []
