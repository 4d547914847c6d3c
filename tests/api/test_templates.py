"""Templates: a passport inherits from its nomenclature entry (the one with its code in the
edition in force) what it leaves empty; validation sees the effective passport; the ledger keeps
what the institution wrote; when the entry changes, the passport is flagged for its institution's
review until it publishes a new version (docs/templates.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from api.pages.session import COOKIE
from catalog import paths
from catalog.records.template import INHERITED_FIELDS
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from catalog.workflow.sessions import Sessions
from tests.api.publishing_helpers import API, JSON, Hub, Who, findings, fresh_hub
from tests.builders import import_records, passport

#: the demo entry ASP-0001's description (vocabularies/demo/nomenclature-edition.ttl)
ENTRY_EN = ("Issuance of the first national driving licence after passing the driving test. "
            "The test result and the medical certificate are checked in the state registers.")
HTML = {"Accept": "text/html"}
REVISED_EN = "Revised: the driving licence is issued after the driving test."


def lean(code: str) -> dict[str, Any]:
    """A passport of ASP that states none of the fields a passport may inherit."""
    doc: dict[str, Any] = passport(code).model_dump(mode="json", exclude_none=True)
    for name in INHERITED_FIELDS:
        doc.pop(name, None)
    return doc


@pytest.fixture
def hub(ledger_settings: Settings) -> Iterator[tuple[Hub, Who]]:
    with fresh_hub(ledger_settings) as h:
        yield h, Who(asp=h.bearer("ASP"), asp_reviewer=h.bearer("ASP", "reviewer"),
                     cnas=h.bearer("CNAS"), cnas_reviewer=h.bearer("CNAS", "reviewer"),
                     anofm=h.bearer("ANOFM"), age=h.bearer("AGE", "reviewer"),
                     admin=h.bearer("AGE", "admin"))


def publish(h: Hub, who: Who, code: str, doc: dict[str, Any] | None = None) -> None:
    """Write ``doc`` as the passport's next version (a new one when absent), submit it as ASP
    and publish it as AGE."""
    if doc is not None and h.catalog.ledger.record_iri("service", code) is not None:
        r = h.client.put(f"{API}/services/{code}", json=doc,
                         headers={**who.asp, "If-Match": h.etag(code)})
    else:
        r = h.client.post(f"{API}/services", json=doc or passport(code).model_dump(
            mode="json"), headers={**who.asp, **JSON})
    assert r.status_code in (200, 201), r.text
    r = h.move(code, "submit", who.asp, r.headers["etag"])
    assert r.status_code == 200, r.text
    r = h.move(code, "publish", who.age, r.headers["etag"])
    assert r.status_code == 200, r.text


def revise_entry(h: Hub) -> str:
    """Publish the demo edition again with the entry ASP-0001 revised now (an xsd:dateTime)
    and its description changed, as the operator would; the revision's time."""
    text = (paths.DEMO_DIR / "nomenclature-edition.ttl").read_text("utf-8")
    now = datetime.now(UTC).isoformat()
    text, n = re.subn(r'(<id/nomenclature/2026/entry/ASP-0001> a sc:NomenclatureEntry ;'
                      r'[^.]*?sc:revised )"2025-11-20"\^\^xsd:date',
                      rf'\1"{now}"^^xsd:dateTime', text, flags=re.S)
    assert n == 1
    text = text.replace(f'"{ENTRY_EN}"@en', f'"{REVISED_EN}"@en')
    report = import_records(h.catalog, h.catalog.parse(text.encode(), "edition.ttl"))
    assert report.counts["created"] + report.counts.get("updated", 0) >= 1, report.counts
    h.catalog.project()
    return now


def violated(r: Any) -> set[str]:
    """The properties the violations of a 422 answer are about."""
    return {f["path"].rsplit("/", 1)[-1] for f in findings(r) if f["severity"] == "violation"}


def read(h: Hub, code: str, who: dict[str, str] | None = None) -> dict[str, Any]:
    r = h.client.get(f"{API}/services/{code}", headers=who or {})
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def session(h: Hub, institution: str, role: str = "publisher") -> None:
    _, secret = Tokens(h.catalog.engine).create(institution, role)
    h.client.cookies.set(COOKIE, Sessions(h.catalog.engine, 600).open(secret).session_id)


def card(page: str, code: str) -> str:
    """The card of ``code`` on a desk page."""
    found = re.search(rf'<li class="desk-card" data-code="{code}">(.*?)</li>', page, re.S)
    assert found, page
    return found.group(1)


def test_a_passport_inherits_what_it_leaves_empty_and_its_own_values_win(
        hub: tuple[Hub, Who]) -> None:
    h, who = hub
    publish(h, who, "ASP-0001", lean("ASP-0001"))  # valid: its entry gives what it lacks
    got = read(h, "ASP-0001")
    assert got["description"]["en"] == ENTRY_EN
    assert got["title"]["ro"] == "Serviciu de test"  # its own
    assert {"description", "legal_resources", "audiences", "life_events", "processing_time",
            "evidence", "outputs"} <= set(got["inherited"])
    assert "costs" not in got["inherited"]
    assert got["costs"] == []
    assert got["nomenclature_entry"]["code"] == "ASP-0001"
    assert got["nomenclature_entry"]["edition"].endswith("/id/nomenclature/2026")
    assert got["processing_time"] == "P10D"
    assert [e["identifier"] for e in got["evidence"]] == ["ASP-0001-E1"]
    # the ledger keeps what the institution wrote; RDF serves it as written
    stored = h.stored("ASP-0001", 1)
    assert stored.description == {}
    assert stored.legal_resources == []
    ttl = h.client.get(f"{API}/services/ASP-0001", headers={"Accept": "text/turtle"}).text
    assert "driving test" not in ttl
    # the service page shows the effective passport and says where the fields come from
    page = h.client.get("/id/service/ASP-0001?lang=en", headers=HTML).text
    assert ENTRY_EN in page
    note = re.search(r'<aside id="inherited"[^>]*data-fields="([^"]+)"[^>]*>(.*?)</aside>',
                     page, re.S)
    assert note
    assert "description" in note.group(1).split()
    assert "From the nomenclature entry" in note.group(2)
    assert "Description" in note.group(2)

    # the JSON as read, sent back as it is, is what the institution wrote: no new version
    r = h.client.put(f"{API}/services/ASP-0001", json=got,
                     headers={**who.asp, "If-Match": h.etag("ASP-0001")})
    assert r.status_code == 200, r.text
    assert h.versions("ASP-0001") == [(1, "published")]

    # its own description wins; the rest is still inherited
    r = h.client.patch(f"{API}/services/ASP-0001",
                       json={"description": {"ro": "Descrierea proprie a ASP"}},
                       headers={**who.asp, "If-Match": h.etag("ASP-0001"),
                                "Content-Type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text
    assert h.move("ASP-0001", "submit", who.asp, r.headers["etag"]).status_code == 200
    assert h.move("ASP-0001", "publish", who.age, h.etag("ASP-0001")).status_code == 200
    got = read(h, "ASP-0001")
    assert got["description"] == {"ro": "Descrierea proprie a ASP"}
    assert "description" not in got["inherited"]
    assert "legal_resources" in got["inherited"]
    page = h.client.get("/id/service/ASP-0001?lang=ro", headers=HTML).text
    assert "Descrierea proprie a ASP" in page
    assert "Eliberarea primului permis" not in page


def test_validation_sees_what_the_entry_gives(hub: tuple[Hub, Who]) -> None:
    h, who = hub
    # no entry for this code: the missing required fields are violations, nothing stored
    r = h.client.post(f"{API}/services", json=lean("ASP-9701"), headers={**who.asp, **JSON})
    missing = violated(r)
    assert {"description", "hasLegalResource", "audience", "isGroupedBy"} <= missing
    assert h.catalog.ledger.record_iri("service", "ASP-9701") is None
    # ASP-0002's entry gives only its life events: the rest is still missing
    r = h.client.post(f"{API}/services", json=lean("ASP-0002"), headers={**who.asp, **JSON})
    missing = violated(r)
    assert "isGroupedBy" not in missing
    assert "description" in missing
    # ASP-0001's entry gives every required field
    r = h.client.post(f"{API}/services", json=lean("ASP-0001"), headers={**who.asp, **JSON})
    assert r.status_code == 201, r.text


def test_inherited_must_name_inheritable_fields(hub: tuple[Hub, Who]) -> None:
    h, who = hub
    doc = {**lean("ASP-0001"), "inherited": ["code"]}
    r = h.client.post(f"{API}/services", json=doc, headers={**who.asp, **JSON})
    assert r.status_code == 400, r.text
    assert r.json()["message"]["ro"].startswith("inherited: ['code'] nu numește")
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["error"]["field"] == "inherited"
    assert h.catalog.ledger.record_iri("service", "ASP-0001") is None


def test_an_entry_revision_flags_the_passport_until_it_is_published_again(
        hub: tuple[Hub, Who]) -> None:
    h, who = hub
    publish(h, who, "ASP-0001")
    publish(h, who, "ASP-0002")
    assert "review_needed" not in read(h, "ASP-0001", who.asp)

    revised = revise_entry(h)
    flag = read(h, "ASP-0001", who.asp)["review_needed"]  # its institution sees it
    assert flag["entry"]["code"] == "ASP-0001"
    assert flag["entry"]["changed"] == revised
    assert flag["reviewed"] < revised
    assert "review_needed" in read(h, "ASP-0001", who.age)  # and the reviewers
    assert "review_needed" not in read(h, "ASP-0001")  # not the public
    assert "review_needed" not in read(h, "ASP-0001", who.cnas)  # nor another institution
    assert "review_needed" not in read(h, "ASP-0002", who.asp)  # its entry did not change
    drift = h.client.get(f"{API}/checks", params={"rule": "TEMPLATE-DRIFT"}).json()
    assert [f["code"] for f in drift["findings"]] == ["ASP-0001"]

    session(h, "ASP")
    my = h.client.get("/my?lang=en").text
    assert "Review needed: the nomenclature entry changed" in card(my, "ASP-0001")
    assert "desk-review-needed" not in card(my, "ASP-0002")

    # the institution reviews: a new version, submitted; the desk shows why it matters
    r = h.client.put(f"{API}/services/ASP-0001", json=passport(
        "ASP-0001", "Titlu revizuit").model_dump(mode="json"),
        headers={**who.asp, "If-Match": h.etag("ASP-0001")})
    assert r.status_code == 200, r.text
    assert h.move("ASP-0001", "submit", who.asp, r.headers["etag"]).status_code == 200
    session(h, "AGE", "reviewer")
    queue = h.client.get("/review?lang=en").text
    assert "desk-review-needed" in card(queue, "ASP-0001")

    assert h.move("ASP-0001", "publish", who.age, h.etag("ASP-0001")).status_code == 200
    assert "review_needed" not in read(h, "ASP-0001", who.asp)
    drift = h.client.get(f"{API}/checks", params={"rule": "TEMPLATE-DRIFT"}).json()
    assert drift["findings"] == []
    session(h, "ASP")
    assert "desk-review-needed" not in card(h.client.get("/my?lang=en").text, "ASP-0001")


def test_a_new_edition_says_which_template_fields_change_and_gives_them_from_its_day(
        hub: tuple[Hub, Who]) -> None:
    h, who = hub
    publish(h, who, "ASP-0001", lean("ASP-0001"))
    text = (paths.DEMO_DIR / "nomenclature-edition.ttl").read_text("utf-8")
    text = text.replace("id/nomenclature/2026", "id/nomenclature/2099").replace(
        '"2026-01-01"^^xsd:date', '"2099-01-01"^^xsd:date').replace(
        f'"{ENTRY_EN}"@en', f'"{REVISED_EN}"@en')
    import_records(h.catalog, h.catalog.parse(text.encode(), "edition-2099.ttl"))
    h.catalog.project()
    base = h.settings.base_uri
    changes = h.client.get(f"{API}/nomenclature/diff", params={
        "from": base + "id/nomenclature/2026", "to": base + "id/nomenclature/2099"}).json()
    assert [(c["code"], c["change"]) for c in changes] == [("ASP-0001", "template")]
    assert "description" in changes[0]["en"]
    # today the 2026 edition is in force; on a day of 2099, the 2099 one
    assert read(h, "ASP-0001")["description"]["en"] == ENTRY_EN
    r = h.client.get(f"{API}/services/ASP-0001", params={"as_of": "2099-02-01"})
    assert r.status_code == 200, r.text
    assert r.json()["description"]["en"] == REVISED_EN
    assert r.json()["nomenclature_entry"]["edition"] == base + "id/nomenclature/2099"


def test_the_checks_read_the_effective_passport_and_follow_its_entry(
        hub: tuple[Hub, Who]) -> None:
    h, who = hub
    publish(h, who, "ASP-0001", lean("ASP-0001"))

    def missing_basis() -> list[str]:
        r = h.client.get(f"{API}/checks", params={"rule": "LB-MISSING"})
        assert r.status_code == 200, r.text
        return [f["code"] for f in r.json()["findings"]]

    assert "ASP-0001" not in missing_basis()  # it inherits its entry's legal basis
    # the entry no longer gives one: the passport, unchanged, now has none
    text = (paths.DEMO_DIR / "nomenclature-edition.ttl").read_text("utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(
        "<id/nomenclature/2026/entry/ASP-0001> <http://data.europa.eu/m8g/hasLegalResource>"))
    import_records(h.catalog, h.catalog.parse(text.encode(), "edition.ttl"))
    assert "ASP-0001" in missing_basis()
