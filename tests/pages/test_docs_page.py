"""/docs: the API's operations rendered by Swagger UI from the hub's own files, under the page
Content-Security-Policy, with no request leaving loopback."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.servers import Served


def test_docs_render_the_operations_offline_under_the_policy(
        demo_hub: Served, page: Page, watched: Watched) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{demo_hub.url}/docs?lang=en")
    expect(page.locator(".opblock").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/checks" in [p.replace("\u200b", "") for p in paths]
    assert len(paths) > 30
    assert len(asked) > 3  # the page, its stylesheets, its scripts, the OpenAPI description
    assert [u for u in asked if not u.startswith(demo_hub.url + "/")] == []
    assert axe_findings(page) == []
    assert watched.errors == []


def test_docs_are_under_the_policy_and_redoc_is_gone(demo_hub: Served) -> None:
    docs = httpx.get(f"{demo_hub.url}/docs")
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    assert "<script>" not in docs.text
    assert httpx.get(f"{demo_hub.url}/redoc").status_code == 404
