"""/sparql in a browser: a person picks a named example, runs it and reads the answer as a
table (the same rows the endpoint gives a machine), downloads it as CSV, reads an error, cancels
a query; without scripts the forms still load an example and run a query."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, Route, expect

from tests.pages.browsing import ROOT, Watched, axe_findings
from tests.servers import Served


def _endpoint(hub: Served, query: str, fmt: str) -> httpx.Response:
    return httpx.post(f"{hub.url}/sparql", data={"query": query, "format": fmt})


def test_a_named_example_runs_into_a_table_and_downloads_as_csv(
        demo_hub: Served, page: Page, watched: Watched, tmp_path: Path) -> None:
    page.goto(f"{demo_hub.url}/sparql")
    page.select_option("#example", "1-life-event-services")
    query = page.locator("#example option:checked").get_attribute("data-query")
    assert query is not None
    assert "life-event/birth" in query
    expect(page.locator(".cm-content")).to_contain_text("life-event/birth")
    page.click("#run")
    expect(page.locator("#status")).to_contain_text("rânduri")
    expected = _endpoint(demo_hub, query, "json").json()
    assert expected["head"]["vars"] == ["service", "code", "title", "authority",
                                        "authority_name"]
    headers = page.locator("#results-table thead th").all_inner_texts()
    assert headers == expected["head"]["vars"]
    rows = [[c.inner_text() for c in r.locator("td").all()]
            for r in page.locator("#results-table tbody tr").all()]
    bindings = expected["results"]["bindings"]
    assert len(rows) == len(bindings) >= 3
    for row, b in zip(rows, bindings, strict=True):
        assert row[:2] == [b["service"]["value"], b["code"]["value"]]
        assert row[2] == f'{b["title"]["value"]} @ro'  # the text and its language tag
    # an IRI is a link; a literal carries its language
    first = page.locator("#results-table tbody tr").first
    assert first.locator("td a").first.get_attribute("href") == bindings[0]["service"]["value"]
    assert first.locator("td").nth(2).locator("span[lang=ro]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # a phone
    assert axe_findings(page) == []
    with page.expect_download() as got:
        page.click("#downloads a[data-format=csv]")
    saved = tmp_path / "result.csv"
    got.value.save_as(saved)
    assert saved.read_bytes() == _endpoint(demo_hub, query, "csv").content
    assert watched.errors == []


def test_an_error_is_shown_readably_and_the_keyboard_runs_the_query(
        demo_hub: Served, page: Page, watched: Watched) -> None:
    page.goto(f"{demo_hub.url}/sparql?lang=en")
    expect(page.locator("#editor-keys")).to_have_text(
        "Ctrl+Enter runs the query; Tab leaves the editor.")
    page.click(".cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.type("SELECT ?x WHERE { ?x ")
    page.keyboard.press("Control+Enter")
    error = page.locator("#error")
    expect(error).to_be_visible()
    problem = httpx.post(f"{demo_hub.url}/sparql", data={"query": "SELECT ?x WHERE { ?x "},
                         headers={"Accept": "application/sparql-results+json"})
    assert problem.status_code == 400
    expect(error).to_contain_text("(400)")
    expect(error).to_contain_text(problem.json()["message"]["en"])
    assert page.locator("#results").is_hidden()
    assert axe_findings(page) == []
    # the console reports the 400 as a failed resource: nothing else may be there
    assert [e for e in watched.errors if "400" not in e] == []


def test_a_running_query_can_be_cancelled(demo_hub: Served, page: Page) -> None:
    held: list[Route] = []
    page.route("**/sparql", lambda route: held.append(route) if route.request.method == "POST"
               else route.continue_())
    page.goto(f"{demo_hub.url}/sparql?lang=en")
    page.click("#run")
    cancel = page.locator("#cancel")
    expect(cancel).to_be_visible()
    assert page.locator("#run").is_disabled()
    cancel.click()
    expect(page.locator("#status")).to_have_text("Query cancelled.")
    expect(cancel).to_be_hidden()
    assert page.locator("#run").is_enabled()
    assert len(held) == 1


def test_without_scripts_the_forms_load_an_example_and_run_it(
        demo_hub: Served, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False, locale="ro-MD",
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{demo_hub.url}/sparql")
        page.select_option("#example", "5-legal-acts-in-force")
        page.click("#load-example")
        page.wait_for_url("**example=5-legal-acts-in-force**")
        text = page.locator("#query").input_value()
        assert "eli:InForce-inForce" in text
        assert text.startswith("BASE <")
        page.select_option("#format", "json")
        with page.expect_response(lambda r: "format=json" in r.url) as answered:
            page.click("#run")
        body = answered.value.json()
        assert body == _endpoint(demo_hub, text, "json").json()
        assert len(body["results"]["bindings"]) >= 3
    finally:
        context.close()


def test_the_page_script_stays_under_300_kb() -> None:
    built = ROOT / "api/pages/static/lib/sparql.js"
    assert built.stat().st_size < 300 * 1024
