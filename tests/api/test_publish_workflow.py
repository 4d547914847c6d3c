"""Publishing a passport: create in any format, replace, patch, review, and every way to read it
back (versions, formats, dates, diffs, conditional requests), on both ledger back ends."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from catalog import rdfio
from catalog.intake.readers import draft_of
from catalog.records.passport import Passport, from_triples, to_triples
from catalog.workflow.states import version_etag
from tests.api.publishing_helpers import (
    API,
    FORMATS,
    JSON,
    MERGE,
    Hub,
    Who,
    body,
    error,
    findings,
    parsed,
    ttl,
)
from tests.builders import BASE, passport

pytest_plugins = ["tests.api.conftest_publishing"]
BIRTH = BASE + "codelist/life-event/birth"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_create_in_any_format_stores_one_draft_and_publishes_nothing(
        hub: Hub, who: Who, fmt: str) -> None:
    code = f"ASP-910{list(FORMATS).index(fmt)}"
    p = passport(code)
    r = hub.client.post(f"{API}/services", content=body(p, fmt),
                        headers={**who.asp, "Content-Type": FORMATS[fmt]})
    assert r.status_code == 201, r.text
    assert r.json() == {"code": code, "iri": hub.iri(code), "version": 1, "status": "draft",
                        "published_version": None}
    assert r.headers["location"] == f"{API}/services/{code}"
    stored = hub.catalog.ledger.version(hub.iri(code), 1)
    assert stored.content == draft_of(p, BASE).canonical()  # exactly what was sent
    assert r.headers["etag"] == version_etag(code, 1, "draft", stored.content_hash)
    assert hub.versions(code) == [(1, "draft")]
    assert hub.transitions(code) == [(1, None, "draft", None)]
    [entry] = hub.audit(target=code)
    assert (entry.action, entry.version_number, entry.outcome, entry.institution) == (
        "create", 1, "ok", "ASP")
    assert hub.in_store(code) is None  # drafts never reach the public store
    assert hub.client.get(f"{API}/services/{code}").status_code == 404
    again = hub.client.post(f"{API}/services", content=body(p, fmt),
                            headers={**who.asp, "Content-Type": FORMATS[fmt]})
    assert error(again, 409)["field"] == "code"
    assert hub.versions(code) == [(1, "draft")]


def test_put_replaces_the_whole_passport_and_needs_the_current_etag(hub: Hub, who: Who
                                                                    ) -> None:
    v1 = hub.create("ASP-9110", who.asp).headers["etag"]
    ro_only = {"ro": passport("ASP-9110").description["ro"]}
    shorter = passport("ASP-9110", title_ro="Titlu nou", description=ro_only).model_dump_json()
    before = hub.snapshot()
    missing = hub.client.put(f"{API}/services/ASP-9110", content=shorter, headers=who.asp)
    assert error(missing, 428)["expected"] == v1
    assert hub.snapshot() == before
    r = hub.client.put(f"{API}/services/ASP-9110", content=shorter,
                       headers={**who.asp, "If-Match": v1})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert r.json()["status"] == "draft"
    v2 = r.headers["etag"]
    assert v2 != v1
    assert hub.stored("ASP-9110", 2).description == ro_only  # replaced, not merged
    assert hub.stored("ASP-9110", 2).title["ro"] == "Titlu nou"
    assert hub.versions("ASP-9110") == [(1, "superseded"), (2, "draft")]
    before = hub.snapshot()
    stale = hub.client.put(f"{API}/services/ASP-9110", content=passport(
        "ASP-9110", title_ro="Altul").model_dump_json(), headers={**who.asp, "If-Match": v1})
    assert error(stale, 412)["expected"] == v2
    other = hub.client.put(f"{API}/services/ASP-9110", content=passport(
        "ASP-9111").model_dump_json(), headers={**who.asp, "If-Match": v2})
    assert other.status_code in (400, 422), other.text  # a body about another passport
    invalid = hub.client.put(f"{API}/services/ASP-9110", content=passport(
        "ASP-9110", legal_resources=[]).model_dump_json(), headers={**who.asp, "If-Match": v2})
    assert any(f["path"].endswith("hasLegalResource") for f in findings(invalid))
    same = hub.client.put(f"{API}/services/ASP-9110", content=shorter,
                          headers={**who.asp, "If-Match": v2})
    assert same.status_code == 200, same.text
    assert (same.json()["version"], same.headers["etag"]) == (2, v2)
    assert hub.snapshot() == before  # none of the five wrote anything
    assert hub.catalog.ledger.record_iri("service", "ASP-9111") is None


def test_patch_is_a_json_merge_patch_of_the_latest_version(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-9120", who.asp).headers["etag"]
    v1 = hub.stored("ASP-9120", 1)
    patch = {"title": {"en": "Patched"}, "description": {"en": None}, "keywords": {"ro": ["unu"]},
             "life_events": [BIRTH]}
    assert hub.client.patch(f"{API}/services/ASP-9120", json=patch,
                            headers={**who.asp, **MERGE}).status_code == 428
    r = hub.client.patch(f"{API}/services/ASP-9120", json=patch,
                         headers={**who.asp, **MERGE, "If-Match": etag})
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["status"]) == (2, "draft")
    v2 = hub.stored("ASP-9120", 2)
    assert v2.title == {"ro": v1.title["ro"], "en": "Patched"}  # objects merge member-wise
    assert v2.description == {"ro": v1.description["ro"]}  # null removes
    assert v2.keywords == {"ro": ["unu"], "en": v1.keywords["en"]}
    assert v2.life_events == [BIRTH]  # lists are replaced whole
    assert v2.model_dump(exclude={"title", "description", "keywords", "life_events"}) == \
        v1.model_dump(exclude={"title", "description", "keywords", "life_events"})
    etag = r.headers["etag"]
    before = hub.snapshot()
    bad = hub.client.patch(f"{API}/services/ASP-9120", json={"title": None},
                           headers={**who.asp, **MERGE, "If-Match": etag})
    assert "title" in {f["path"] for f in findings(bad)}
    recode = hub.client.patch(f"{API}/services/ASP-9120", json={"code": "ASP-9121"},
                              headers={**who.asp, **MERGE, "If-Match": etag})
    assert error(recode, 400)["field"] == "code"
    turtle = hub.client.patch(f"{API}/services/ASP-9120", content=ttl("ASP-9120"),
                              headers={**who.asp, "Content-Type": "text/turtle",
                                       "If-Match": etag})
    assert error(turtle, 415)["field"] == "Content-Type"  # not a patch format (RFC 5789)
    stale = hub.client.patch(f"{API}/services/ASP-9120", json={"title": {"en": "x"}},
                             headers={**who.asp, **MERGE, "If-Match": version_etag(
                                 "ASP-9120", 1, "draft", "0" * 64)})
    assert stale.status_code == 412
    assert hub.snapshot() == before


def test_review_publishes_only_the_reviewed_version_and_withdraw_takes_it_down(
        hub: Hub, who: Who) -> None:
    code = "ASP-9130"
    etag = hub.create(code, who.asp).headers["etag"]
    early = hub.move(code, "publish", who.age, etag)
    assert error(early, 409)["field"] == "status"  # a draft is submitted first
    assert hub.move(code, "submit", who.asp, "").status_code == 428
    r = hub.move(code, "submit", who.asp, etag, "gata")
    assert r.json() == {"code": code, "iri": hub.iri(code), "version": 1,
                        "status": "submitted", "published_version": None}
    assert hub.in_store(code) is None
    r = hub.move(code, "publish", who.age, r.headers["etag"], "verificat")
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["published_version"]) == ("published", 1)
    assert hub.in_store(code) == hub.content(code, 1)
    assert hub.read(code) == hub.stored(code, 1)
    assert hub.changes(code) == [("publish", 1)]

    r = hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro="Nou")),
                       headers={**who.asp, **JSON, "If-Match": r.headers["etag"]})
    assert (r.json()["version"], r.json()["published_version"]) == (2, 1)
    assert hub.read(code).title["ro"] == "Serviciu de test"  # the public still reads v1
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    r = hub.move(code, "reject", who.age, r.headers["etag"], "lipsește temeiul legal")
    assert (r.json()["version"], r.json()["status"]) == (2, "draft")
    assert hub.in_store(code) == hub.content(code, 1)
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    r = hub.move(code, "publish", who.age, r.headers["etag"])
    assert (r.json()["status"], r.json()["published_version"]) == ("published", 2)
    published = r.headers["etag"]
    assert hub.in_store(code) == hub.content(code, 2)
    assert hub.read(code).title["ro"] == "Nou"

    r = hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro="Trei")),
                       headers={**who.asp, **JSON, "If-Match": published})
    draft = r.headers["etag"]
    assert error(hub.move(code, "withdraw", who.age, draft), 412)["expected"] == published
    r = hub.move(code, "withdraw", who.age, published, "serviciu desființat")
    assert r.status_code == 200, r.text
    assert r.json()["published_version"] is None
    assert hub.in_store(code) is None
    gone = hub.client.get(f"{API}/services/{code}")  # issue 9: 410 (was 404), last version
    assert gone.status_code == 410
    assert gone.json()["error"]["link"] == f"/api/v1/services/{code}?version=2"
    assert hub.versions(code) == [(1, "superseded"), (2, "withdrawn"), (3, "draft")]
    assert hub.changes(code) == [("publish", 1), ("publish", 2), ("withdraw", 2)]
    assert hub.transitions(code) == [
        (1, None, "draft", None), (1, "draft", "submitted", "gata"),
        (1, "submitted", "published", "verificat"), (2, None, "draft", None),
        (2, "draft", "submitted", None), (2, "submitted", "draft", "lipsește temeiul legal"),
        (2, "draft", "submitted", None), (2, "submitted", "published", None),
        (3, None, "draft", None), (2, "published", "withdrawn", "serviciu desființat")]
    assert [e.action for e in hub.audit(target=code)] == [
        "create", "submit", "publish", "replace", "submit", "reject", "submit", "publish",
        "replace", "withdraw"]


def test_unpublished_versions_are_shown_to_the_owner_and_reviewers_only(hub: Hub, who: Who
                                                                        ) -> None:
    code = "ASP-9140"
    etag = hub.published(code, who)
    hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro="Ciornă")),
                   headers={**who.asp, **JSON, "If-Match": etag})
    url = f"{API}/services/{code}"
    assert hub.read(code).title["ro"] == "Serviciu de test"
    assert hub.read(code, version="1") == hub.stored(code, 1)
    for version in ("2", "latest"):
        assert hub.client.get(url, params={"version": version}).status_code == 404
        assert error(hub.client.get(url, params={"version": version}, headers=who.cnas),
                     404)["code"] == "not_found"
        for reader in (who.asp, who.age):
            r = hub.client.get(url, params={"version": version}, headers=reader)
            assert r.status_code == 200, r.text
            assert r.json()["title"]["ro"] == "Ciornă"
            assert (r.headers["x-version"], r.headers["x-version-status"]) == ("2", "draft")
            assert "no-store" in r.headers["cache-control"]
    assert error(hub.client.get(url, params={"version": "9"}, headers=who.asp), 404)[
        "field"] == "version"
    # another institution cannot tell a draft from a version that does not exist
    draft, missing = (hub.client.get(url, params={"version": v}, headers=who.cnas)
                      for v in ("2", "3"))
    assert (draft.status_code, missing.status_code) == (404, 404)
    assert error(draft, 404)["message"]["en"].replace(" 2;", " N;") == \
        error(missing, 404)["message"]["en"].replace(" 3;", " N;")
    assert "no published version 2" in error(draft, 404)["message"]["en"]
    assert hub.client.get(url, params={"version": "0"}).status_code == 400

    public = hub.client.get(f"{url}/versions").json()
    assert [v["version"] for v in public["versions"]] == [1]
    assert [t["version"] for t in public["transitions"]] == [1, 1, 1]
    assert hub.client.get(f"{url}/versions", headers=who.cnas).json() == public
    own = hub.client.get(f"{url}/versions", headers=who.asp).json()
    assert [(v["version"], v["status"]) for v in own["versions"]] == [
        (1, "published"), (2, "draft")]
    assert own["published_version"] == 1


def test_every_format_says_the_same_and_json_and_rdf_round_trip(hub: Hub, who: Who) -> None:
    code = "ASP-9150"
    hub.published(code, who)
    stored, iri = hub.content(code, 1), hub.iri(code)
    answers = {}
    for media in ("application/json", "text/turtle", "application/ld+json",
                  "application/n-triples", "application/rdf+xml", "text/csv"):
        r = hub.client.get(f"{API}/services/{code}", headers={"Accept": media})
        assert r.status_code == 200, (media, r.text)
        assert r.headers["content-type"].split(";")[0] == media
        answers[media] = r.content
        if media not in ("application/json", "text/csv"):
            assert parsed(r.content, media) == stored, media
    as_json = Passport.model_validate_json(answers["application/json"])
    assert as_json == hub.stored(code, 1)
    assert rdfio.canonical_ntriples(to_triples(as_json, iri)) == stored
    turtle = rdfio.parse(answers["text/turtle"], "turtle", base_iri=BASE, max_bytes=10**7,
                         max_nesting=64)
    assert from_triples([q.triple for q in turtle], iri) == as_json
    [row] = list(csv.DictReader(io.StringIO(answers["text/csv"].decode("utf-8-sig"))))
    assert (row["code"], row["title@ro"]) == (code, "Serviciu de test")
    from catalog.records.csvformat import read_csv

    assert read_csv(answers["text/csv"]) == [as_json]
    assert hub.client.get(f"{API}/services/{code}",
                          headers={"Accept": "image/png"}).status_code == 406


def test_etag_last_modified_and_if_none_match(hub: Hub, who: Who) -> None:
    code = "ASP-9160"
    start = datetime.now(UTC).replace(microsecond=0)
    etag = hub.published(code, who)
    url = f"{API}/services/{code}"
    r = hub.client.get(url)
    assert r.headers["etag"] == etag
    modified = parsedate_to_datetime(r.headers["last-modified"])
    assert start <= modified <= datetime.now(UTC)
    for match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        nm = hub.client.get(url, headers={"If-None-Match": match})
        assert nm.status_code == 304, match
        assert nm.content == b""
        assert nm.headers["etag"] == etag
    assert hub.client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    r = hub.client.put(url, content=body(passport(code, title_ro="Doi")),
                       headers={**who.asp, **JSON, "If-Match": etag})
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    new = hub.move(code, "publish", who.age, r.headers["etag"]).headers["etag"]
    fresh = hub.client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert (fresh.headers["etag"], fresh.json()["title"]["ro"]) == (new, "Doi")


def test_diff_tells_what_changed_in_romanian_and_english(hub: Hub, who: Who) -> None:
    code = "ASP-9170"
    etag = hub.published(code, who)
    old = passport(code)
    new = passport(code, title_ro="Serviciu nou", processing_time="P15D",
                   description={"ro": old.description["ro"]}, life_events=[
                       *old.life_events, BIRTH])
    r = hub.client.put(f"{API}/services/{code}", content=body(new),
                       headers={**who.asp, **JSON, "If-Match": etag})
    url = f"{API}/services/{code}/diff"
    assert hub.client.get(url, params={"from": 1, "to": 2}).status_code == 404  # v2: a draft
    assert hub.client.get(url, params={"from": 1, "to": 2}, headers=who.cnas
                          ).status_code == 404  # the same answer as for no version 2
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    hub.move(code, "publish", who.age, r.headers["etag"])
    d = hub.client.get(url, params={"from": 1, "to": 2}).json()
    assert (d["from"], d["to"]) == (1, 2)
    assert d["summary"] == {
        "ro": "4 modificări: denumirea, descrierea, evenimentele de viață, termenul de prestare",
        "en": "4 changes: title, description, life events, processing time"}
    text = {c["path"]: c["text"] for c in d["changes"]}
    assert text["title.ro"] == {
        "ro": "Denumirea (în limba română) s-a modificat din „Serviciu de test” în "
              "„Serviciu nou”",
        "en": "Title (Romanian) changed from 'Serviciu de test' to 'Serviciu nou'"}
    assert text["description.en"] == {
        "ro": f"Descrierea (în limba engleză) a fost eliminată (era „{old.description['en']}”)",
        "en": f"Description (English) removed (was '{old.description['en']}')"}
    assert text["life_events"] == {"ro": "Evenimentele de viață: s-a adăugat Nașterea unui copil",
                                   "en": "Life events: added Birth of a child"}
    assert text["processing_time"] == {
        "ro": "Termenul de prestare s-a modificat din 10 zile în 15 zile",
        "en": "Processing time changed from 10 days to 15 days"}
    iri = hub.iri(code)
    title = "<http://purl.org/dc/terms/title>"
    assert f'<{iri}> {title} "Serviciu nou"@ro .' in d["rdf"]["added"]
    assert f'<{iri}> {title} "Serviciu de test"@ro .' in d["rdf"]["removed"]
    assert f"<{iri}> <http://data.europa.eu/m8g/isGroupedBy> <{BIRTH}> ." in d["rdf"]["added"]
    assert len(d["rdf"]["added"]) == 3
    assert len(d["rdf"]["removed"]) == 3
    assert hub.client.get(url, params={"from": 1}).status_code == 400


def test_as_of_reads_the_version_in_force_at_the_end_of_that_day_in_chisinau(
        hub: Hub, who: Who) -> None:
    code = "ASP-9180"
    etag = hub.published(code, who)
    r = hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro="Doi")),
                       headers={**who.asp, **JSON, "If-Match": etag})
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    r = hub.move(code, "publish", who.age, r.headers["etag"])
    hub.move(code, "withdraw", who.age, r.headers["etag"])
    hub.date_changes(code,
                     datetime(2024, 3, 10, 8, 0, tzinfo=UTC),
                     datetime(2024, 3, 20, 22, 30, tzinfo=UTC),  # 21 March 00:30 in Chisinau
                     datetime(2024, 4, 1, 21, 30, tzinfo=UTC))  # 2 April 00:30 (summer time)
    url = f"{API}/services/{code}"

    def in_force(when: str) -> int:
        r = hub.client.get(url, params={"as_of": when})
        assert r.status_code == 200, (when, r.text)
        return int(r.headers["x-version"])

    assert in_force("2024-03-10") == 1
    assert in_force("2024-03-20") == 1  # v2 came after midnight, Chisinau time
    assert in_force("2024-03-21") == 2
    assert in_force("2024-04-01") == 2  # withdrawn after midnight, Chisinau time
    assert in_force("2024-03-21T00:29:00") == 1  # a time without offset: Chisinau time
    assert in_force("2024-03-21T00:31:00") == 2
    assert in_force("2024-03-20T22:31:00+00:00") == 2
    assert hub.client.get(url, params={"as_of": "2024-03-10"}).json()["title"]["ro"] == \
        "Serviciu de test"
    last_modified = hub.client.get(url, params={"as_of": "2024-03-25"}).headers["last-modified"]
    assert parsedate_to_datetime(last_modified) == datetime(2024, 3, 20, 22, 30, tzinfo=UTC)
    before = error(hub.client.get(url, params={"as_of": "2024-03-09"}), 404)
    assert "not yet published" in before["message"]["en"]
    after = error(hub.client.get(url, params={"as_of": "2024-04-02"}), 404)
    assert "withdrawn on 2024-04-02 00:30" in after["message"]["en"]
    assert "retras" in after["message"]["ro"]
    assert error(hub.client.get(url, params={"as_of": "2024-13-01"}), 400)["field"] == "as_of"
    listed = hub.client.get(f"{url}/versions").json()["versions"]
    assert [v["published_at"][:16] for v in listed] == ["2024-03-10T08:00", "2024-03-20T22:30"]
