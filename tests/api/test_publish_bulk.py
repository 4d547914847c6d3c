"""Bulk import (``POST /api/v1/import``) in every format and both modes, publishing imports, and
the CSV export of the nomenclature read back through the import."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from catalog.intake.readers import draft_of
from catalog.settings import Settings
from tests.api.publishing_helpers import (
    API,
    BULK_FORMATS,
    JSON,
    Hub,
    Who,
    body,
    bulk,
    cnas_passport,
    error,
    fresh_hub,
)
from tests.builders import BASE, passport

pytest_plugins = ["tests.api.conftest_publishing"]
NDJSON = {"Content-Type": "application/x-ndjson"}


def imported(hub: Hub, data: bytes, who: dict[str, str], media: str = "application/x-ndjson",
             **params: str) -> dict[str, Any]:
    r = hub.client.post(f"{API}/import", content=data, params=params,
                        headers={**who, "Content-Type": media})
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


@pytest.mark.parametrize("fmt", list(BULK_FORMATS))
def test_import_in_any_format_writes_drafts_and_a_second_import_changes_nothing(
        hub: Hub, who: Who, fmt: str) -> None:
    codes = [f"ASP-94{list(BULK_FORMATS).index(fmt)}{n}" for n in (1, 2, 3)]
    passports = [passport(c) for c in codes]
    data, media = bulk(passports, fmt), BULK_FORMATS[fmt]
    report = imported(hub, data, who.asp, media)
    assert (report["mode"], report["publish"]) == ("atomic", False)
    assert report["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert sorted((r["code"], r["status"], r["version"]) for r in report["records"]) == [
        (c, "created", 1) for c in codes]
    for p in passports:
        assert hub.versions(p.code) == [(1, "draft")]
        assert hub.content(p.code, 1) == draft_of(p, BASE).canonical()
        assert hub.transitions(p.code) == [(1, None, "draft", None)]
        assert [(e.action, e.version_number) for e in hub.audit(target=p.code)] == [
            ("import", 1)]
        assert hub.in_store(p.code) is None  # drafts stay out of the public store
    before = hub.snapshot()
    again = imported(hub, data, who.asp, media)
    assert again["summary"] == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 0}
    assert hub.snapshot() == before
    passports[1] = passport(codes[1], title_ro="Schimbat")
    third = imported(hub, bulk(passports, fmt), who.asp, media, mode="per-record")
    assert third["summary"] == {"created": 0, "updated": 1, "unchanged": 2, "rejected": 0}
    assert hub.versions(codes[1]) == [(1, "superseded"), (2, "draft")]
    assert hub.stored(codes[1], 2).title["ro"] == "Schimbat"


def test_an_atomic_import_with_one_bad_record_writes_nothing(hub: Hub, who: Who) -> None:
    bad = passport("ASP-9482").model_copy(update={"legal_resources": []})
    data = bulk([passport("ASP-9481"), bad, passport("ASP-9483")], "jsonl")
    before = hub.snapshot()
    r = hub.client.post(f"{API}/import", content=data, headers={**who.asp, **NDJSON})
    err = error(r, 422)
    assert err["import"]["summary"]["rejected"] == 1
    [rejected] = [o for o in err["import"]["records"] if o["status"] == "rejected"]
    assert rejected["code"] == "ASP-9482"
    assert any(f["path"].endswith("hasLegalResource") and f["severity"] == "violation"
               for f in rejected["report"]["findings"])
    assert hub.snapshot() == before
    assert all(hub.catalog.ledger.record_iri("service", c) is None
               for c in ("ASP-9481", "ASP-9482", "ASP-9483"))
    lines = [body(passport("ASP-9481")), body(passport("ASP-9482")), b'{"code" "ASP-9483"}']
    err = error(hub.client.post(f"{API}/import", content=b"\n".join(lines),
                                headers={**who.asp, **NDJSON}), 422)
    [rejected] = [o for o in err["import"]["records"] if o["status"] == "rejected"]
    assert rejected["position"] == "line 3"
    assert (rejected["error"]["line"], rejected["error"]["column"]) == (3, 9)
    assert hub.snapshot() == before
    # the report must not claim that the valid records were written
    assert err["import"]["summary"]["created"] == 0, err["import"]
    assert all(o["status"] != "created" for o in err["import"]["records"]), err["import"]


def test_a_per_record_import_keeps_the_valid_records_and_says_why_the_others_failed(
        hub: Hub, who: Who) -> None:
    bad = passport("ASP-9485").model_copy(update={"audiences": []})
    data = b"\n".join([body(passport("ASP-9484")), body(bad), b'{"code": "ASP-9486",',
                       body(cnas_passport("CNAS-9487")), body(passport("ASP-948"))])
    seen = {e.id for e in hub.audit()}
    report = imported(hub, data, who.asp, mode="per-record")
    assert report["summary"] == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 4}
    by_status = [(o.get("code"), o["status"]) for o in report["records"]]
    assert by_status == [("ASP-9484", "created"), ("ASP-9485", "rejected"), (None, "rejected"),
                         ("CNAS-9487", "rejected"), (None, "rejected")]
    invalid, malformed, foreign, miscoded = report["records"][1:]
    assert {f["path"].rsplit("/", 1)[-1] for f in invalid["report"]["findings"]} >= {"audience"}
    assert all(f["message"]["ro"] and f["message"]["en"] for f in invalid["report"]["findings"])
    assert (malformed["position"], malformed["error"]["line"]) == ("line 3", 3)
    assert foreign["error"]["code"] == "forbidden"
    assert miscoded["position"] == "line 5"
    where = miscoded.get("report") or miscoded["error"]["report"]
    assert [f["path"] for f in where["findings"]] == ["code"]
    assert hub.versions("ASP-9484") == [(1, "draft")]
    for code in ("ASP-9485", "ASP-9486", "CNAS-9487"):
        assert hub.catalog.ledger.record_iri("service", code) is None
    refused = [e for e in hub.audit() if e.id not in seen and e.outcome == "refused"]
    assert [(e.action, e.target, e.institution) for e in refused] == [
        ("import", "CNAS-9487", "ASP")]  # the refused record is in the audit log


def test_an_atomic_import_with_another_institutions_passport_is_refused_whole(
        hub: Hub, who: Who) -> None:
    data = bulk([passport("ASP-9488"), cnas_passport("CNAS-9488")], "jsonl")
    before = hub.snapshot()
    r = hub.client.post(f"{API}/import", content=data, headers={**who.asp, **NDJSON})
    assert error(r, 403)["code"] == "forbidden"
    assert hub.snapshot() == before


def test_publishing_at_import_needs_a_reviewer_or_an_admin(hub: Hub, who: Who) -> None:
    data = bulk([passport("ASP-9491"), passport("ASP-9492")], "jsonl")
    before = hub.snapshot()
    r = hub.client.post(f"{API}/import", content=data, params={"publish": "true"},
                        headers={**who.asp, **NDJSON})
    assert error(r, 403)["field"] == "role"
    assert hub.snapshot() == before
    assert hub.audit(action="import")[-1].outcome == "refused"
    report = imported(hub, data, who.asp_reviewer, publish="true")
    assert report["publish"] is True
    assert report["summary"]["created"] == 2
    for code in ("ASP-9491", "ASP-9492"):
        assert hub.versions(code) == [(1, "published")]
        assert hub.changes(code) == [("publish", 1)]
        assert hub.transitions(code) == [(1, None, "published", None)]
        assert hub.in_store(code) == hub.content(code, 1)
        assert hub.read(code).code == code
    report = imported(hub, bulk([cnas_passport("CNAS-9493")], "jsonl"), who.admin,
                      publish="true")
    assert report["summary"]["created"] == 1
    assert hub.in_store("CNAS-9493") == hub.content("CNAS-9493", 1)


def test_unreadable_import_files_are_400_and_other_media_types_415(hub: Hub, who: Who) -> None:
    before = hub.snapshot()
    for media, data, status in (("application/pdf", b"%PDF-1.4", 415),
                                ("text/turtle", b"<a> <b> <c", 400),
                                ("application/n-quads", b"<http://x/a> <http://x/b> .\n", 400),
                                ("text/csv", b"code,colour\nASP-9494,blue\n", 400)):
        r = hub.client.post(f"{API}/import", content=data,
                            headers={**who.asp, "Content-Type": media})
        assert r.status_code == status, (media, r.text)
    pdf = hub.client.post(f"{API}/import", content=b"%PDF-1.4",
                          headers={**who.asp, "Content-Type": "application/pdf"}).json()
    assert pdf["error"]["field"] == "Content-Type"
    assert "application/x-ndjson" in pdf["error"]["message"]["en"]
    assert hub.snapshot() == before


def test_the_csv_export_neutralises_formulas_and_reimporting_it_changes_nothing(
        ledger_settings: Settings) -> None:
    with fresh_hub(ledger_settings.model_copy(update={"query_workers": 1})) as hub:
        who = Who(asp=hub.bearer("ASP"), asp_reviewer={}, cnas=hub.bearer("CNAS"),
                  cnas_reviewer={}, anofm={}, age=hub.bearer("AGE", "reviewer"),
                  admin=hub.bearer("AGE", "admin"))
        risky = passport("ASP-9495", title_ro="=HYPERLINK(\"http://x\")", description={
            "ro": "+40 de zile", "en": "-50% for pensioners"}, keywords={
            "ro": ["\tascuns", "@cmd"], "en": ["\rreturn"]})
        hub.published(risky, who)
        hub.published(cnas_passport("CNAS-9496"), who)
        hub.create("ASP-9497", who.asp)  # a draft is not exported
        r = hub.client.get(f"{API}/services", params={"format": "csv"})
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/csv; charset=utf-8"
        assert r.content.startswith(b"\xef\xbb\xbf")
        assert hub.client.get(f"{API}/services", headers={"Accept": "text/csv"}
                              ).content == r.content
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
        assert [row["code"] for row in rows] == ["ASP-9495", "CNAS-9496"]
        cells = rows[0]
        assert cells["title@ro"] == "'=HYPERLINK(\"http://x\")"
        assert cells["description@ro"] == "'+40 de zile"
        assert cells["description@en"] == "'-50% for pensioners"
        assert cells["keywords@ro"] == "'\tascuns | @cmd"
        assert cells["keywords@en"] == "'\rreturn"
        assert all(not v.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows
                   for v in row.values())

        before = hub.snapshot()
        report = imported(hub, r.content, who.admin, "text/csv")
        assert report["summary"] == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
        assert hub.snapshot() == before
        assert hub.read("ASP-9495") == risky  # the texts came back exactly

        # a passport with a draft under review: the export still has its published version,
        # and importing that export must not overwrite the draft
        etag = hub.etag("CNAS-9496")
        assert hub.client.put(f"{API}/services/CNAS-9496", content=body(cnas_passport(
            "CNAS-9496", title_ro="În lucru")), headers={**who.cnas, **JSON, "If-Match": etag}
        ).status_code == 200
        export = hub.client.get(f"{API}/services", params={"format": "csv"}).content
        assert export == r.content
        before = hub.snapshot()
        report = imported(hub, export, who.admin, "text/csv")
        assert report["summary"]["updated"] == 0, json.dumps(report["records"])
        assert hub.snapshot() == before
        assert hub.versions("CNAS-9496") == [(1, "published"), (2, "draft")]
