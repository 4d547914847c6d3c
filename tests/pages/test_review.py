"""The reviewers' desk (/review): the queue of submissions, one submission's diff against the
published version and its what-if findings, publishing it, and sending it back with a reason
that the institution's clerk then reads on /my and in the history."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.pages.institutions import Hub, institutions_hub, sign_in


@pytest.fixture(scope="module")
def hub(chromium: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with institutions_hub(tmp_path_factory.mktemp("review")) as running:
        yield running


def _public_title(hub: Hub, code: str, title: str) -> bool:
    """Whether the public page of ``code`` shows ``title`` (the store follows the ledger
    a moment after a publication: polled, under a deadline)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = httpx.get(f"{hub.url}/id/service/{code}", headers={"Accept": "text/html"})
        if title in page.text:
            return True
        time.sleep(0.1)  # between polls of the page, not instead of them
    return False


def test_a_reviewer_publishes_a_submission_from_the_desk(hub: Hub, page: Page,
                                                         watched: Watched) -> None:
    new_title = "Eliberarea certificatului de naștere (versiune revizuită)"
    hub.submit_change(hub.token("ASP"), "ASP-0002", new_title)
    assert not _public_title_now(hub, "ASP-0002", new_title)
    sign_in(page, f"{hub.url}/login?next=/review&lang=en", hub.token("AGE", "reviewer"))
    assert page.url.startswith(f"{hub.url}/review")
    expect(page.locator("h1")).to_have_text("Reviewers' desk")
    item = page.locator("li[data-code='ASP-0002']")
    expect(item).to_contain_text("ASP")
    assert axe_findings(page) == []
    item.get_by_role("link").click()
    assert page.url.startswith(f"{hub.url}/review/services/ASP-0002")
    # the diff against the published version, field by field in the page's language
    change = page.locator(".desk-diff li").first
    expect(change).to_contain_text("Title (ro)")
    expect(change.locator("dd").nth(1)).to_have_text(new_title)
    expect(page.locator("#findings-h")).to_have_text("Consistency checks (as if published)")
    assert axe_findings(page) == []
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{hub.url}/review?lang=en&done=published")
    expect(page.locator(".desk-done")).to_have_text("Published.")
    assert page.locator("li[data-code='ASP-0002']").count() == 0
    assert _public_title(hub, "ASP-0002", new_title)
    page.goto(f"{hub.url}/id/service/ASP-0002?lang=ro")
    expect(page.locator("h1")).to_have_text(new_title)
    assert watched.errors == []


def _public_title_now(hub: Hub, code: str, title: str) -> bool:
    page = httpx.get(f"{hub.url}/id/service/{code}", headers={"Accept": "text/html"})
    return title in page.text


def test_sending_back_with_a_reason_shows_the_reason_to_the_clerk(
        hub: Hub, browser: Browser, page: Page, watched: Watched) -> None:
    clerk_token = hub.token("ASP")
    hub.submit_change(clerk_token, "ASP-0003", "Titlu propus <fără temei>")
    sign_in(page, f"{hub.url}/login?next=/review/services/ASP-0003", hub.token("AGE", "reviewer"))
    expect(page.locator("h1")).to_contain_text("ASP-0003")
    reason = "Lipsește temeiul juridic: art. 5 din Legea <nr. 1>; ș/ş și ț/ţ"
    # with the keyboard alone: the reason, then Tab to its button and Enter
    page.locator("#reason").focus()
    page.keyboard.type(reason)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Returnează cu motiv"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{hub.url}/review?lang=ro&done=sent_back")
    expect(page.locator(".desk-done")).to_have_text("Returnat instituției.")
    assert watched.errors == []

    clerk = watched.attach(browser.new_context(
        locale="ro-MD", viewport={"width": 390, "height": 844}).new_page())
    try:
        sign_in(clerk, f"{hub.url}/login", clerk_token)
        card = clerk.locator("li[data-code='ASP-0003']")
        expect(card.locator(".desk-reason")).to_have_text(reason)
        expect(card).to_contain_text("ciornă")
        assert axe_findings(clerk) == []
        card.get_by_role("link", name="Istoric").click()
        expect(clerk.locator("h1")).to_have_text("Istoricul ASP-0003")
        expect(clerk.locator("#moves-h ~ ol .desk-reason").last).to_have_text(reason)
        assert axe_findings(clerk) == []
        # the versions compared, from the history's form
        clerk.get_by_role("button", name="Compară").click()
        expect(clerk.locator(".desk-diff")).to_contain_text("Titlu propus <fără temei>")
        assert axe_findings(clerk) == []
        assert clerk.viewport_size == {"width": 390, "height": 844}
        assert clerk.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        clerk.context.close()
    assert watched.errors == []


def test_the_desk_is_for_reviewers_only(hub: Hub, page: Page) -> None:
    sign_in(page, f"{hub.url}/login?next=/review&lang=en", hub.token("ASP"))
    answer = page.goto(f"{hub.url}/review?lang=en")
    assert answer is not None
    assert answer.status == 403
    expect(page.locator(".desk-error")).to_contain_text("reviewer")
    assert page.get_by_role("button", name="Publish").count() == 0
    answer = page.goto(f"{hub.url}/review/services/ASP-0001?lang=en")
    assert answer is not None
    assert answer.status == 403


def test_a_decision_without_the_csrf_token_changes_nothing(hub: Hub, page: Page) -> None:
    hub.submit_change(hub.token("ASP"), "ASP-0004", "Titlu care așteaptă")
    sign_in(page, f"{hub.url}/login?next=/review/services/ASP-0004",
            hub.token("AGE", "reviewer"))
    etag = page.locator("input[name=etag]").first.get_attribute("value")
    sid = next(c["value"] for c in page.context.cookies() if c["name"] == "semcat_session")
    r = httpx.post(f"{hub.url}/review/services/ASP-0004/publish", data={"etag": etag or ""},
                   cookies={"semcat_session": sid})
    assert r.status_code == 403
    r = httpx.get(f"{hub.url}/api/v1/services/ASP-0004/versions")
    assert r.json()["published_version"] == 1
