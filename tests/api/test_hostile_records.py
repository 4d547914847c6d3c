"""What no client may put in a record, in any format (issue 12, points 2, 4 and 11): properties
the server owns, literals and records over their caps, bidirectional overrides and control
characters in text, ill-typed literals; and the cap on the records of an import file. Each
refusal is checked for its status, its error document and that nothing was stored. Service
codes 80xx."""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox
import pytest

from catalog import rdfio
from catalog.intake.readers import draft_of
from catalog.namespaces import ADMS, DCAT, DCT, PROV, XSD
from catalog.settings import Settings
from tests.api.publishing_helpers import (
    API,
    FORMATS,
    JSON,
    MERGE,
    Hub,
    Who,
    body,
    bulk,
    findings,
    fresh_hub,
)
from tests.builders import BASE, passport

pytest_plugins = ["tests.api.conftest_publishing"]
TURTLE = {"Content-Type": "text/turtle"}
SVC = BASE + "id/service/"
OWNER = BASE + "id/org/asp"
#: a server-owned property of the root -> a value a client might send
SERVER_OWNED = {
    ADMS + "status": ox.NamedNode("http://purl.org/adms/status/Completed"),
    DCT + "modified": ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date")),
    PROV + "wasAttributedTo": ox.NamedNode(OWNER),
    DCT + "publisher": ox.NamedNode(BASE + "id/org/cnas"),
}


def _with(code: str, extra: dict[str, ox.NamedNode | ox.Literal], fmt: str = "turtle",
          **changes: object) -> bytes:
    """The passport ``code`` in ``fmt`` with ``extra`` (predicate -> object) on its root."""
    draft = draft_of(passport(code, **changes), BASE)
    root = ox.NamedNode(draft.iri)
    triples = draft.triples + [ox.Triple(root, ox.NamedNode(p), o) for p, o in extra.items()]
    return rdfio.serialize(triples, fmt)


def _post(hub: Hub, who: Who, data: bytes | str, media: str = "text/turtle"
          ) -> httpx.Response:
    return hub.client.post(f"{API}/services", content=data,
                           headers={**who.asp, "Content-Type": media})


# --- point 2: server-owned properties ------------------------------------------------------
@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "rdfxml", "ntriples"])
@pytest.mark.parametrize("prop", sorted(SERVER_OWNED))
def test_a_server_owned_property_on_the_root_is_422_naming_it(
        hub: Hub, who: Who, fmt: str, prop: str) -> None:
    before = hub.snapshot()
    r = _post(hub, who, _with("ASP-8001", {prop: SERVER_OWNED[prop]}, fmt), FORMATS[fmt])
    assert r.status_code == 422, r.text
    doc = r.json()
    assert doc["code"] == "invalid_record"
    assert doc["field"] == prop
    assert doc["detail"] == (f"{SVC}ASP-8001 states 1 propert(y/ies) that the server sets "
                             "(status, dates, owner, author, provenance); nothing was stored")
    [finding] = findings(r)
    assert (finding["path"], finding["constraint"]) == (prop, "server-owned")
    assert finding["message"]["en"] == f"<{prop}> is set by the server, not by the request"
    assert hub.snapshot() == before


def test_every_server_owned_property_is_a_finding_of_its_own(hub: Hub, who: Who) -> None:
    before = hub.snapshot()
    r = _post(hub, who, _with("ASP-8002", SERVER_OWNED))
    assert sorted(f["path"] for f in findings(r)) == sorted(SERVER_OWNED)
    assert "states 4 propert(y/ies)" in r.json()["detail"]
    r = hub.client.post(f"{API}/validate", content=_with("ASP-8002", SERVER_OWNED),
                        headers=TURTLE)  # the dry run refuses them alike
    assert len(findings(r)) == 4
    assert hub.snapshot() == before


def test_the_json_route_still_refuses_server_fields(hub: Hub, who: Who) -> None:
    doc = json.loads(body(passport("ASP-8003")))
    before = hub.snapshot()
    r = hub.client.post(f"{API}/services", content=json.dumps({**doc, "status": "published"}),
                        headers={**who.asp, **JSON})
    assert r.json()["code"] == "invalid_record"
    assert [f["path"] for f in findings(r)] == ["status"]
    assert hub.snapshot() == before


def test_a_replace_cannot_set_a_server_owned_property(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-8004", who.asp).headers["etag"]
    before = hub.snapshot()
    r = hub.client.put(f"{API}/services/ASP-8004",
                       content=_with("ASP-8004", {PROV + "generatedAtTime": ox.Literal(
                           "2020-01-01T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime"))}),
                       headers={**who.asp, **TURTLE, "If-Match": etag})
    assert r.json()["field"] == PROV + "generatedAtTime"
    assert [f["path"] for f in findings(r)] == [PROV + "generatedAtTime"]
    assert hub.snapshot() == before


def test_bulk_imports_refuse_such_records_one_by_one(hub: Hub, who: Who) -> None:
    good = draft_of(passport("ASP-8005"), BASE)
    bad = draft_of(passport("ASP-8006"), BASE)
    bad.triples.append(ox.Triple(ox.NamedNode(bad.iri), ox.NamedNode(ADMS + "status"),
                                 SERVER_OWNED[ADMS + "status"]))
    data = rdfio.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(d.iri))
                            for d in (good, bad) for t in d.triples], "nquads")
    headers = {**who.asp, "Content-Type": "application/n-quads"}
    before = hub.snapshot()
    r = hub.client.post(f"{API}/import", content=data, headers=headers)  # all or nothing
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid_record"
    assert hub.snapshot() == before
    r = hub.client.post(f"{API}/import", content=data, params={"mode": "per-record"},
                        headers=headers)
    assert r.status_code == 200, r.text
    by_code = {rec["code"]: rec for rec in r.json()["records"]}
    assert by_code["ASP-8005"]["status"] == "created"
    refused = by_code["ASP-8006"]
    assert (refused["status"], refused["iri"], refused["kind"]) == ("rejected", bad.iri,
                                                                    "service")
    assert refused["error"]["code"] == "invalid_record"
    assert refused["error"]["field"] == ADMS + "status"
    assert hub.catalog.ledger.record_iri("service", "ASP-8006") is None


# --- point 4: caps per literal, per record, per import file -------------------------------
@pytest.mark.parametrize("media", ["application/json", "text/turtle"])
def test_a_literal_of_1_5_mb_is_refused_naming_its_property(
        hub: Hub, who: Who, media: str) -> None:
    huge = "ă" * 750_000  # 1.5 MB of UTF-8, under the 2 MiB body cap
    p = passport("ASP-8010", description={"ro": huge, "en": "x"})
    data = body(p) if media == "application/json" else body(p, "turtle")
    assert len(data) < hub.settings.max_record_bytes
    before = hub.snapshot()
    r = _post(hub, who, data, media)
    assert r.status_code == 400, r.text
    doc = r.json()
    assert doc["code"] == "invalid_input"
    assert doc["field"] == DCT + "description"
    assert doc["detail"] == (f"{DCT}description is 1500000 bytes long; a value may be at most "
                             "65536 bytes (SEMCAT_MAX_LITERAL_BYTES)")
    assert hub.snapshot() == before


def test_a_passport_with_20000_extra_triples_is_refused(hub: Hub, who: Who) -> None:
    turtle = body(passport("ASP-8011"), "turtle").decode()
    words = ", ".join(f'"w{n}"' for n in range(20_000))
    turtle += f"\n<{SVC}ASP-8011> <{DCAT}keyword> {words} .\n"
    assert len(turtle) < hub.settings.max_record_bytes
    before = hub.snapshot()
    r = _post(hub, who, turtle)
    assert r.status_code == 413, r.text
    doc = r.json()
    assert (doc["code"], doc["field"]) == ("too_large", "triples")
    assert doc["detail"].startswith(f"the record {SVC}ASP-8011 holds 20")
    assert doc["detail"].endswith("triples; a record may hold at most 10000 "
                                  "(SEMCAT_MAX_RECORD_TRIPLES)")
    assert hub.snapshot() == before


def test_an_import_file_over_its_record_cap_is_refused_whole(ledger_settings: Settings
                                                              ) -> None:
    small = ledger_settings.model_copy(update={"query_workers": 1, "max_bulk_records": 3})
    with fresh_hub(small) as hub:
        asp = hub.bearer("ASP")
        four = [passport(f"ASP-802{n}") for n in range(4)]
        before = hub.snapshot()
        for fmt, media in (("jsonl", "application/x-ndjson"), ("jsonlist", "application/json"),
                           ("csv", "text/csv"), ("nquads", "application/n-quads")):
            r = hub.client.post(f"{API}/import", content=bulk(four, fmt),
                                params={"mode": "per-record"},
                                headers={**asp, "Content-Type": media})
            assert r.status_code == 413, (fmt, r.text)
            doc = r.json()
            assert (doc["code"], doc["field"]) == ("too_large", "records"), fmt
            assert doc["detail"] == ("the import file holds more than 3 records "
                                     "(SEMCAT_MAX_BULK_RECORDS); nothing was imported: split "
                                     "it into smaller files"), fmt
            assert hub.snapshot() == before, fmt
        r = hub.client.post(f"{API}/import", content=bulk(four[:3], "jsonl"),
                            headers={**asp, "Content-Type": "application/x-ndjson"})
        assert r.status_code == 200, r.text
        assert r.json()["summary"]["created"] == 3


# --- point 11: control characters in text, ill-typed literals -------------------------------
HIDDEN = ["\u202e", "\u202a", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\x07",
          "\x1b", "\x7f", "\x85", "\x9b"]


@pytest.mark.parametrize("media", ["application/json", "text/turtle"])
@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_a_bidi_override_or_control_in_a_title_is_400_naming_it(
        hub: Hub, who: Who, char: str, media: str) -> None:
    p = passport("ASP-8030", title_ro=f"Cerere{char}fals")
    data = body(p) if media == "application/json" else body(p, "turtle")
    before = hub.snapshot()
    r = _post(hub, who, data, media)
    assert r.status_code == 400, r.text
    doc = r.json()
    assert (doc["code"], doc["field"]) == ("invalid_input", DCT + "title")
    assert doc["detail"] == (f"{DCT}title contains the control character U+{ord(char):04X} "
                             "at position 6; text may not hold bidirectional overrides, "
                             "embeddings, isolates or control characters")
    assert hub.snapshot() == before


def test_a_patch_and_an_import_refuse_them_too(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-8031", who.asp).headers["etag"]
    before = hub.snapshot()
    r = hub.client.patch(f"{API}/services/ASP-8031",
                         content=json.dumps({"description": {"ro": "a\u202eb"}}),
                         headers={**who.asp, **MERGE, "If-Match": etag})
    assert r.status_code == 400, r.text
    assert (r.json()["code"], r.json()["field"]) == ("invalid_input", DCT + "description")
    r = hub.client.post(f"{API}/import", content=bulk([passport(
        "ASP-8032", title_ro="a\u2066b")], "jsonl"), params={"mode": "per-record"},
        headers={**who.asp, "Content-Type": "application/x-ndjson"})
    [record] = r.json()["records"]
    assert (record["status"], record["code"]) == ("rejected", "ASP-8032")
    assert (record["error"]["code"], record["error"]["field"]) == ("invalid_input",
                                                                   DCT + "title")
    assert hub.snapshot() == before


def test_legitimate_text_is_kept_as_written(hub: Hub, who: Who) -> None:
    title = ("Școala din Țânțăreni, Служба занятости 👨\u200d👩\u200d👧 "
             "\u200fעברית\u200e 2024\tși\r\nrândul doi")
    hub.create(passport("ASP-8033", title_ro=title), who.asp)
    assert hub.stored("ASP-8033", 1).title["ro"] == title
    r = _post(hub, who, body(passport("ASP-8034", title_ro=title), "turtle"))
    assert r.status_code == 201, r.text
    assert hub.stored("ASP-8034", 1).title["ro"] == title


def test_an_ill_typed_date_on_a_property_no_shape_covers_is_422(hub: Hub, who: Who) -> None:
    before = hub.snapshot()
    bad = ox.Literal("notadate", datatype=ox.NamedNode(XSD + "date"))
    r = _post(hub, who, _with("ASP-8040", {DCT + "valid": bad}))
    assert r.status_code == 422, r.text
    doc = r.json()
    assert (doc["code"], doc["field"]) == ("invalid_record", DCT + "valid")
    assert doc["detail"] == f"{SVC}ASP-8040 has 1 ill-typed literal(s); nothing was stored"
    [finding] = findings(r)
    assert (finding["path"], finding["value"], finding["constraint"]) == (
        DCT + "valid", "notadate", "datatype")
    assert finding["message"]["en"] == f"'notadate' is not a valid <{XSD}date>"
    assert hub.snapshot() == before
    good = ox.Literal("2024-02-29", datatype=ox.NamedNode(XSD + "date"))
    assert _post(hub, who, _with("ASP-8040", {DCT + "valid": good})).status_code == 201


def test_reference_records_are_held_to_it_too(hub: Hub, who: Who) -> None:
    org = BASE + "id/org/test-8060"
    turtle = (f"<{org}> a <http://data.europa.eu/m8g/PublicOrganisation> ;\n"
              f'  <http://www.w3.org/2004/02/skos/core#prefLabel> "Test"@ro ;\n'
              f'  <https://w3id.org/semcat/ns#institutionCode> "TST" ;\n'
              f"  <{PROV}wasAttributedTo> <{OWNER}> .\n")
    before = hub.snapshot()
    r = hub.client.post(f"{API}/import", content=turtle, params={"mode": "per-record"},
                        headers={**who.admin, **TURTLE})
    assert r.status_code == 200, r.text
    [record] = r.json()["records"]
    assert (record["status"], record["iri"], record["kind"]) == ("rejected", org,
                                                                 "organisation")
    assert (record["error"]["code"], record["error"]["field"]) == ("invalid_record",
                                                                   PROV + "wasAttributedTo")
    assert hub.snapshot() == before
