"""A passport whose nomenclature entry changed, as its institution's clerk sees it: the admin
publishes the edition again with the entry revised, and /my, in Chromium, flags the passport
for review (readable, and passing axe) while the passports of unchanged entries are not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import Page, expect

from catalog import paths
from tests.pages.browsing import Watched, axe_findings
from tests.pages.institutions import Hub, institutions_hub, sign_in


@pytest.fixture(scope="module")
def hub(chromium: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with institutions_hub(tmp_path_factory.mktemp("templates")) as running:
        yield running


def test_the_clerk_sees_which_passports_need_review(hub: Hub, page: Page,
                                                    watched: Watched) -> None:
    text = (paths.DEMO_DIR / "nomenclature-edition.ttl").read_text("utf-8")
    now = datetime.now(UTC).isoformat()
    text, n = re.subn(r'(<id/nomenclature/2026/entry/ASP-0005> a sc:NomenclatureEntry ;'
                      r'[^.]*?sc:revised )"2025-11-20"\^\^xsd:date',
                      rf'\1"{now}"^^xsd:dateTime', text, flags=re.S)
    assert n == 1
    r = httpx.post(f"{hub.url}/api/v1/import", params={"publish": "true"},
                   content=text.encode(), timeout=120,
                   headers={"Authorization": f"Bearer {hub.token('AGE', 'admin')}",
                            "Content-Type": "text/turtle"})
    assert r.status_code == 200, r.text

    sign_in(page, f"{hub.url}/login?next=/my&lang=ro", hub.token("ASP"))
    flagged = page.locator("li[data-code='ASP-0005'] .desk-review-needed")
    expect(flagged).to_contain_text("De revizuit: poziția din nomenclator s-a schimbat")
    expect(flagged).to_contain_text("ASP-0005")
    assert page.locator("li[data-code='ASP-0001'] .desk-review-needed").count() == 0
    assert axe_findings(page) == []
    assert watched.errors == []
