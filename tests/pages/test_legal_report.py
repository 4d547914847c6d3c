"""/legal: a legal team filters the consistency report by rule and by institution with the
plain form, follows a finding to its record, and reads the trend of the recorded runs."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from api.app import create_app
from api.pages import legal
from catalog.checks import SEVERITIES
from catalog.checks.history import record
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from tests.pages.browsing import Watched, axe_findings
from tests.servers import Served


def _api(hub: Served, **params: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = httpx.get(f"{hub.url}/api/v1/checks",
                                               params=params).json()["findings"]
    return found


def test_the_report_filters_by_rule_and_institution_and_links_each_record(
        demo_hub: Served, page: Page, watched: Watched) -> None:
    page.goto(f"{demo_hub.url}/legal")
    expect(page.locator("h1")).to_have_text("Raport de conformitate juridică")
    everything = _api(demo_hub)
    assert page.locator("tr.finding").count() == len(everything) > 3
    # by rule: the form, then the button
    page.select_option("#f-rule", "ORG-NO-SERVICES")
    page.click("#apply")
    page.wait_for_url(re.compile(r"rule=ORG-NO-SERVICES"))
    expected = _api(demo_hub, rule="ORG-NO-SERVICES")
    rows = page.locator("tr.finding")
    assert rows.count() == len(expected) >= 1
    assert {r.get_attribute("data-rule") for r in rows.all()} == {"ORG-NO-SERVICES"}
    links = [a.get_attribute("href") for a in page.locator("tr.finding a.record").all()]
    assert links == [f"{str(f['record']).removeprefix(demo_hub.url)}?lang=ro" for f in expected]
    assert page.locator("#rule-ORG-NO-SERVICES").inner_text().count("CPSV-AP 3.2.0") == 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # a phone
    assert axe_findings(page) == []
    # each finding leads to its record's page
    page.locator("tr.finding a.record").first.click()
    page.wait_for_url(f"{expected[0]['record']}?lang=ro")
    expect(page.locator("h1")).not_to_be_empty()
    # by institution (the rule filter cleared from the start)
    page.goto(f"{demo_hub.url}/legal?lang=en")
    page.select_option("#f-institution", "SFS")
    page.click("#apply")
    page.wait_for_url(re.compile(r"institution=SFS"))
    expected = _api(demo_hub, institution="SFS")
    rows = page.locator("tr.finding")
    assert rows.count() == len(expected) >= 1
    assert {r.get_attribute("data-institution") for r in rows.all()} == {"SFS"}
    assert page.locator("#f-institution").input_value() == "SFS"
    assert watched.errors == []


def test_the_report_speaks_russian_and_refuses_an_unknown_filter(
        demo_hub: Served, page: Page, watched: Watched) -> None:
    page.goto(f"{demo_hub.url}/legal?lang=ru&severity=info")
    expect(page.locator("h1")).to_have_text("Отчёт о правовой согласованности")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert {c.inner_text() for c in page.locator("tr.finding td:first-child").all()} == \
        {"информация"}
    assert axe_findings(page) == []
    assert watched.errors == []
    bad = httpx.get(f"{demo_hub.url}/legal", params={"severity": "grave"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "severity"


def test_the_trend_of_recorded_runs_is_a_table_and_a_chart(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        catalog.project()
        first = catalog.checks().run()
        record(catalog.engine, first)
        record(catalog.engine, first)
        page = client.get("/legal?lang=en")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    html = page.text
    table = html[html.index('id="trend-table"'):]
    assert table[:table.index("</table>")].count("<tr><td>") == 2
    total = sum(first.count(severity) for severity in SEVERITIES)
    assert f"<td>{total}</td></tr>" in table
    chart = html[html.index("<svg"):html.index("</svg>")]
    bars = [severity for severity in SEVERITIES if first.count(severity)]
    assert bars  # the reference data alone has organisations without services
    assert chart.count("<rect") == 2 * len(bars)
    assert "<script" not in html.replace('<script defer src="/static/', "")


def test_the_findings_come_a_page_at_a_time_with_the_counts_of_the_whole_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legal, "PAGE_SIZE", 2)
    settings = Settings(env="test", data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        catalog.project()
        run = catalog.checks().run().only(severity="info")
        assert len(run.findings) > 4  # organisations without services
        first = client.get("/legal?lang=en&severity=info").text
        last_page = -(-len(run.findings) // 2)
        beyond = client.get(f"/legal?lang=en&severity=info&page={last_page + 5}").text
        second = client.get("/legal?lang=en&severity=info&page=2").text
        bad = client.get("/legal?page=0")
    assert first.count('<tr class="finding"') == 2
    assert f"Findings ({len(run.findings)})" in first
    assert f"information</span>: {len(run.findings)}" in first  # the whole run's count
    assert 'id="previous"' not in first
    assert 'id="next" href="/legal?severity=info&amp;page=2&amp;lang=en"' in first
    records = re.findall(r'class="record" href="([^"]+)"', first + second)
    assert len(records) == 4
    assert records[:2] == [f"/{f.record.split('/', 3)[3]}?lang=en" for f in run.findings[:2]]
    assert records[2:] == [f"/{f.record.split('/', 3)[3]}?lang=en" for f in run.findings[2:4]]
    assert 'id="previous" href="/legal?severity=info&amp;page=1&amp;lang=en"' in second
    assert 'id="next"' not in beyond
    assert f"Page {last_page} of {last_page}" in beyond
    assert bad.status_code == 400
    assert bad.json()["field"] == "query.page"


def test_the_run_is_kept_until_the_projection_changes(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        catalog.project()
        checks = catalog.checks()
        kept = checks.latest()
    assert checks.latest() is kept  # one run, not one a request
    assert kept.findings == checks.run().findings
    assert kept.only(institution="ASP").findings == checks.run(institution="ASP").findings
    assert kept.only(rule="ORG-NO-SERVICES").by_rule() == \
        checks.run(only=["ORG-NO-SERVICES"]).by_rule()
    checks.projection.load({})  # as a rebuild does: the facts are others
    assert checks.latest().findings == []
