"""The passport editor (/my/services/new, /my/services/{code}/edit): a clerk signs in, types a
passport with mistakes and sees each problem by its field as they type (in the page's
language), fixes them, saves the draft and submits it; another institution's clerk is told the
passport does not exist; a save after someone else's keeps the clerk's input and says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.pages.browsing import Watched, axe_findings
from tests.pages.institutions import Hub, institutions_hub, sign_in


@pytest.fixture(scope="module")
def hub(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with institutions_hub(tmp_path_factory.mktemp("editor")) as served:
        yield served


def sign_in_as(page: Page, hub: Hub, secret: str, lang: str) -> None:
    sign_in(page, f"{hub.url}/login?lang={lang}", secret)
    page.wait_for_url(lambda url: urlsplit(url).path == "/my")


def api(hub: Hub, secret: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(hub.url + path, params=params,
                     headers={"Authorization": f"Bearer {secret}"}, timeout=30)


def test_a_clerk_writes_fixes_saves_and_submits_a_passport_in_russian(
        hub: Hub, page: Page, watched: Watched) -> None:
    secret = hub.token("ASP")
    sign_in_as(page, hub, secret, "ru")
    page.goto(f"{hub.url}/my/services/new?lang=ru")
    assert page.get_attribute("html", "lang") == "ru"
    assert axe_findings(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone

    page.fill("#f-code", "ASP-9950")
    page.fill("#f-title-en", "Test service")
    page.fill("#f-description-ro", "Descrierea serviciului de test.")
    page.check("#f-legal-resources")
    page.check("fieldset[data-field=audiences] input[type=checkbox] >> nth=0")
    page.check("fieldset[data-field=life_events] input[type=checkbox] >> nth=0")
    page.fill("#f-costs-0-title-ro", "Taxa de stat")
    page.select_option("#f-costs-0-currency", label="евро")
    page.fill("#f-costs-0-value", "много")  # a mistake: not a number; the ro title is empty

    title_msg, cost_msg = page.locator("#m-title-ro"), page.locator("#m-costs-0-value")
    expect(title_msg).to_have_text("title.ro: текст пуст; заполните его или уберите этот язык")
    expect(cost_msg).to_have_text("costs.0.value: должно быть числом")
    expect(page.locator("#f-title-ro")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-title-ro")).to_have_attribute("aria-describedby", "m-title-ro")
    expect(page.locator("#f-costs-0-value")).to_have_attribute("aria-describedby",
                                                                "m-costs-0-value")
    summary = page.locator("#ed-summary .ed-problems a")
    expect(summary).to_have_count(2)
    assert sorted(summary.evaluate_all("links => links.map(a => a.getAttribute('href'))")) == [
        "#f-costs-0-value", "#f-title-ro"]
    assert axe_findings(page) == []

    page.fill("#f-title-ro", "Serviciu de test")
    page.fill("#f-costs-0-value", "12,50")
    expect(title_msg).to_be_empty()
    expect(summary).to_have_count(0)
    expect(page.locator("#f-title-ro")).not_to_have_attribute("aria-invalid", "true")

    expect(page.locator("#editor")).not_to_have_attribute("data-pending", "true")
    page.click("button[value=save]")
    page.wait_for_url("**/my/services/ASP-9950/edit?**saved=1")
    expect(page.locator(".ed-notice")).to_have_text("Черновик сохранён (версия 1).")
    expect(page.locator("#f-costs-0-value")).to_have_value("12.5")
    assert axe_findings(page) == []

    page.click("button[value=submit]")
    page.wait_for_url("**submitted=1")
    expect(page.locator(".ed-notice")).to_have_text("Отправлено на проверку (версия 1).")
    history = api(hub, secret, "/api/v1/services/ASP-9950/versions").json()
    last = history["transitions"][-1]
    assert (last["to"], last["version"]) == ("submitted", 1)
    assert last["by"].startswith("ASP/publisher#")
    stored = api(hub, secret, "/api/v1/services/ASP-9950", version="latest")
    assert stored.headers["x-version-status"] == "submitted"
    assert stored.json()["title"] == {"ro": "Serviciu de test", "en": "Test service"}
    assert stored.json()["costs"][0]["currency"].endswith("/currency/EUR")
    assert watched.errors == []


def test_another_institutions_clerk_cannot_open_the_editor(
        hub: Hub, page: Page, watched: Watched) -> None:
    sign_in_as(page, hub, hub.token("CNAS"), "ro")
    said = []
    for code in ("ASP-0001", "ASP-0999"):  # another's passport is as absent as none
        answer = page.request.get(f"{hub.url}/my/services/{code}/edit")  # the session's cookie
        assert answer.status == 404, code
        said.append(answer.text().replace(code, "CODE"))
    assert said[0] == said[1]
    mine = page.goto(f"{hub.url}/my/services/CNAS-0001/edit")
    assert mine is not None
    assert mine.status == 200
    assert axe_findings(page) == []
    assert watched.errors == []


def test_a_save_after_someone_elses_keeps_the_input_and_says_so(
        hub: Hub, page: Page, watched: Watched) -> None:
    secret = hub.token("ASP")
    sign_in_as(page, hub, secret, "ro")
    page.goto(f"{hub.url}/my/services/ASP-0002/edit?lang=ro")
    page.fill("#f-title-en", "My own English title")
    parts = page.locator(".ed-parts[data-group=evidence] .ed-part")
    before = parts.count()
    page.locator(".ed-add[data-group=evidence]").press("Enter")  # added with the keyboard
    expect(parts).to_have_count(before + 1)
    focused = page.evaluate("document.activeElement.name")
    assert focused == f"evidence.{before}.title.ro"  # the new part's first field has focus
    page.keyboard.type("Dovadă nouă")
    parts.nth(before - 1).locator(".ed-remove").press("Enter")  # the blank one, removed
    expect(parts).to_have_count(before)
    expect(page.locator("#editor")).not_to_have_attribute("data-pending", "true")

    current = api(hub, secret, "/api/v1/services/ASP-0002", version="latest")
    other = httpx.patch(f"{hub.url}/api/v1/services/ASP-0002",
                        json={"keywords": {"ro": ["alt cuvânt"]}}, timeout=30,
                        headers={"Authorization": f"Bearer {secret}",
                                 "If-Match": current.headers["etag"],
                                 "Content-Type": "application/merge-patch+json"})
    assert other.status_code == 200, other.text

    page.click("button[value=save]")
    expect(page.locator(".ed-error-top")).to_contain_text("Altcineva a salvat între timp")
    expect(page.locator("#f-title-en")).to_have_value("My own English title")
    assert "Dovadă nouă" in page.locator(".ed-parts[data-group=evidence]").evaluate(
        "e => [...e.querySelectorAll('input')].map(i => i.value).join('|')")
    assert axe_findings(page) == []
    title = page.input_value("#f-title-ro")
    page.fill("#f-title-ro", "")  # the edit page with a message shown
    expect(page.locator("#m-title-ro")).to_contain_text("textul este gol")
    assert axe_findings(page) == []
    page.fill("#f-title-ro", title)
    expect(page.locator("#m-title-ro")).to_be_empty()
    expect(page.locator("#editor")).not_to_have_attribute("data-pending", "true")
    page.click("button[value=save]")  # saved over the newer version, knowingly
    page.wait_for_url("**saved=**")
    assert api(hub, secret, "/api/v1/services/ASP-0002", version="latest").json()[
        "title"]["en"] == "My own English title"
    # the refused save is answered 409 (the browser logs that status), nothing else went wrong
    assert [e for e in watched.errors if "status of 409 (Conflict)" not in e] == []
