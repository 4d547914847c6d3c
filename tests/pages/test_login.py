"""Signing in with an API token in a browser (/login), the session cookie, signing out, and
what an institution sees of its own passports (/my) and never of another's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.pages.institutions import Hub, institutions_hub, sign_in


@pytest.fixture(scope="module")
def hub(chromium: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with institutions_hub(tmp_path_factory.mktemp("login")) as running:
        yield running


def test_signing_in_sets_an_httponly_strict_cookie_and_opens_my_passports(
        hub: Hub, page: Page, context: BrowserContext, watched: Watched) -> None:
    page.goto(f"{hub.url}/login")
    assert page.locator("html").get_attribute("lang") == "ro"
    assert axe_findings(page) == []
    sign_in(page, "", hub.token("ASP"))
    assert page.url == f"{hub.url}/my?lang=ro"
    expect(page.locator("h1")).to_have_text("Pașapoartele mele")
    (cookie,) = [c for c in context.cookies() if c["name"] == "semcat_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["secure"] is False  # the hub is plain http on loopback
    assert page.evaluate("document.cookie") == ""  # no script can read it
    cards = page.locator("li.desk-card")
    assert cards.count() >= 20
    codes = {c.get_attribute("data-code") or "" for c in cards.all()}
    assert all(code.startswith("ASP-") for code in codes)
    assert page.locator("a[href='/my/services/new?lang=ro']").count() == 1
    assert page.locator("a[href='/my/services/ASP-0001/edit?lang=ro']").count() == 1
    assert axe_findings(page) == []
    assert watched.errors == []


def test_a_wrong_token_is_refused_in_the_page_language(hub: Hub, page: Page,
                                                       context: BrowserContext,
                                                       watched: Watched) -> None:
    page.goto(f"{hub.url}/login?lang=en")
    sign_in(page, "", "sc_not-a-token")
    expect(page.locator("#login-error")).to_have_text("The token is unknown or revoked.")
    assert page.locator("#token").get_attribute("aria-invalid") == "true"
    assert [c for c in context.cookies() if c["name"] == "semcat_session"] == []
    assert axe_findings(page) == []
    # the 401 of the form is a failed request on purpose: nothing else may fail
    assert [e for e in watched.errors if "401" not in e] == []


def test_a_page_asked_for_without_a_session_comes_back_after_signing_in(
        hub: Hub, page: Page, watched: Watched) -> None:
    page.goto(f"{hub.url}/my/services/ASP-0002/history?lang=ru")
    assert page.url.startswith(f"{hub.url}/login?next=/my/services/ASP-0002/history")
    assert page.locator("html").get_attribute("lang") == "ru"
    sign_in(page, "", hub.token("ASP"))
    assert page.url.startswith(f"{hub.url}/my/services/ASP-0002/history")
    expect(page.locator("h1")).to_have_text("История ASP-0002")
    assert axe_findings(page) == []
    assert watched.errors == []


@pytest.mark.parametrize("evil", ["//evil.example/x", "https://evil.example/",
                                  "/\\evil.example"])
def test_next_never_leads_to_another_site(hub: Hub, page: Page, evil: str) -> None:
    page.goto(f"{hub.url}/login?next={evil}")
    sign_in(page, "", hub.token("ASP"))
    assert page.url == f"{hub.url}/my?lang=ro"


def test_signing_out_ends_the_session_on_the_server(hub: Hub, page: Page,
                                                    context: BrowserContext,
                                                    watched: Watched) -> None:
    sign_in(page, f"{hub.url}/login?lang=en", hub.token("ASP"))
    (cookie,) = [c for c in context.cookies() if c["name"] == "semcat_session"]
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{hub.url}/login?lang=en")
    assert [c for c in context.cookies() if c["name"] == "semcat_session"] == []
    # the old cookie, kept by someone, opens nothing any more
    r = httpx.get(f"{hub.url}/my", cookies={"semcat_session": cookie["value"]})
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/my")
    assert watched.errors == []


def test_a_revoked_token_ends_its_browser_sessions(hub: Hub, page: Page) -> None:
    secret = hub.token("ASP")
    token_id = hub.newest_token_id()
    sign_in(page, f"{hub.url}/login", secret)
    expect(page.locator("h1")).to_have_text("Pașapoartele mele")
    hub.revoke(token_id)
    page.goto(f"{hub.url}/my")
    assert page.url.startswith(f"{hub.url}/login?next=/my")


def test_a_form_without_the_sessions_csrf_token_is_refused(hub: Hub, page: Page,
                                                           context: BrowserContext) -> None:
    sign_in(page, f"{hub.url}/login", hub.token("ASP"))
    (cookie,) = [c for c in context.cookies() if c["name"] == "semcat_session"]
    sid = {"semcat_session": cookie["value"]}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body in ("", "csrf=", "csrf=0123456789abcdef"):
        r = httpx.post(f"{hub.url}/logout", content=body, headers=form, cookies=sid)
        assert r.status_code == 403, body
        assert r.json()["field"] == "csrf"
    r = httpx.post(f"{hub.url}/logout", content="csrf=x", cookies=sid,
                   headers={**form, "Origin": "https://evil.example"})
    assert r.status_code == 403
    page.goto(f"{hub.url}/my")  # the session is still open
    expect(page.locator("h1")).to_have_text("Pașapoartele mele")


def test_an_institution_never_sees_another_institutions_drafts(
        hub: Hub, page: Page, watched: Watched) -> None:
    hub.submit_change(hub.token("CNAS"), "CNAS-0002", "Titlu de lucru CNAS nepublicat")
    sign_in(page, f"{hub.url}/login", hub.token("ASP"))
    assert "CNAS-0002" not in page.content()
    assert "Titlu de lucru CNAS nepublicat" not in page.content()
    for path in ("/my/services/CNAS-0002/history", "/my/services/CNAS-0002/diff?from=1&to=2"):
        answer = page.goto(f"{hub.url}{path}")
        assert answer is not None
        assert answer.status == 404, path  # as if there were no such passport
        assert "Titlu de lucru CNAS nepublicat" not in page.content()
        expect(page.locator(".desk-error")).to_contain_text("CNAS-0002")
    # the owner sees it, with its history and the diff against the published version
    page.context.clear_cookies()
    sign_in(page, f"{hub.url}/login", hub.token("CNAS"))
    card = page.locator("li[data-code='CNAS-0002']")
    expect(card).to_contain_text("Titlu de lucru CNAS nepublicat")
    expect(card).to_contain_text("trimis spre aprobare")
    card.get_by_role("link", name="Diferențe").click()
    expect(page.locator(".desk-diff")).to_contain_text("Titlu de lucru CNAS nepublicat")
    assert axe_findings(page) == []
    assert [e for e in watched.errors if "404" not in e] == []
