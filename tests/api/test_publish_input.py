"""What a write accepts: size limits, malformed documents, text that cannot be stored or that
hides characters, Romanian letters kept as written, RDF that describes only its own passport,
and validation reports that list every problem."""

from __future__ import annotations

import json

import pytest

from catalog.demo import reference_files
from catalog.settings import Settings
from tests.api.publishing_helpers import (
    API,
    JSON,
    MERGE,
    Hub,
    Who,
    body,
    bulk,
    error,
    findings,
    fresh_hub,
    ttl,
)
from tests.builders import BASE, passport

pytest_plugins = ["tests.api.conftest_publishing"]
TURTLE = {"Content-Type": "text/turtle"}
SVC = BASE + "id/service/"


def test_bodies_over_the_limits_get_413_and_store_nothing(ledger_settings: Settings) -> None:
    limit = len(body(passport("ASP-9600"))) + 600
    # the largest reference file (legal acts) must still load
    bulk_limit = max(f.stat().st_size for f in reference_files()) + 1_000
    small = ledger_settings.model_copy(update={"query_workers": 1, "max_record_bytes": limit,
                                               "max_bulk_bytes": bulk_limit})
    with fresh_hub(small) as hub:
        asp = hub.bearer("ASP")
        etag = hub.create("ASP-9600", asp).headers["etag"]  # under the limit: fine
        many = [passport("ASP-9602")]
        while len(bulk(many, "jsonl")) <= bulk_limit:
            many.append(passport(f"ASP-96{len(many) + 10}"))
        over_bulk_limit = bulk(many, "jsonl")
        big = body(passport("ASP-9601", description={"ro": "ă" * 800, "en": "x"}))
        assert limit < len(big) < 2 * limit
        before = hub.snapshot()
        url = f"{API}/services"
        attempts = {
            "create": hub.client.post(url, content=big, headers={**asp, **JSON}),
            "streamed": hub.client.post(url, content=iter([big[:1000], big[1000:]]),
                                        headers={**asp, **JSON}),
            "replace": hub.client.put(f"{url}/ASP-9600", content=big,
                                      headers={**asp, **JSON, "If-Match": etag}),
            "patch": hub.client.patch(f"{url}/ASP-9600", content=json.dumps(
                {"description": {"ro": "ă" * limit}}), headers={**asp, **MERGE, "If-Match": etag}),
            "turtle": hub.client.post(url, content=ttl("ASP-9601", description={
                "ro": "ă" * limit}), headers={**asp, **TURTLE}),
            "validate": hub.client.post(f"{API}/validate", content=big, headers=JSON),
            "import": hub.client.post(f"{API}/import", content=over_bulk_limit,
                headers={**asp, "Content-Type": "application/x-ndjson"}),
        }
        assert {k: r.status_code for k, r in attempts.items()} == dict.fromkeys(attempts, 413)
        assert all(r.json()["error"]["code"] == "too_large" for r in attempts.values())
        assert hub.snapshot() == before
        two = bulk([passport("ASP-9602"), passport("ASP-9603")], "jsonl")
        assert limit < len(two) < bulk_limit  # over the record limit, under the bulk limit
        r = hub.client.post(f"{API}/import", content=two,
                            headers={**asp, "Content-Type": "application/x-ndjson"})
        assert r.status_code == 200, r.text
        assert r.json()["summary"]["created"] == 2


def test_malformed_json_and_rdf_are_400_naming_line_and_column(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-9610", who.asp).headers["etag"]
    before = hub.snapshot()
    broken_json = '{\n  "code": "ASP-9611",\n  "title": }'
    for r in (hub.client.post(f"{API}/services", content=broken_json, headers={**who.asp, **JSON}),
              hub.client.put(f"{API}/services/ASP-9610", content=broken_json,
                             headers={**who.asp, **JSON, "If-Match": etag}),
              hub.client.patch(f"{API}/services/ASP-9610", content=broken_json,
                               headers={**who.asp, **MERGE, "If-Match": etag}),
              hub.client.post(f"{API}/validate", content=broken_json, headers=JSON)):
        err = error(r, 400)
        assert (err["line"], err["column"]) == (3, 12), r.request.method
        assert "Expecting value" in err["message"]["en"]
    turtle = ttl("ASP-9611") + '\n<a> <b> "unterminated .\n'
    err = error(hub.client.post(f"{API}/services", content=turtle,
                                headers={**who.asp, **TURTLE}), 400)
    assert err["line"] == turtle.count("\n")
    assert isinstance(err["column"], int)
    two_rows = bulk([passport("ASP-9611"), passport("ASP-9612")], "csv")
    err = error(hub.client.post(f"{API}/services", content=two_rows, headers={
        **who.asp, "Content-Type": "text/csv"}), 400)
    assert "one passport" in err["message"]["en"]
    xml = ('<?xml version="1.0"?>\n'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
           "<rdf:Description>\n</rdf:RDF>\n")
    assert hub.client.post(f"{API}/services", content=xml, headers={
        **who.asp, "Content-Type": "application/rdf+xml"}).status_code == 400
    assert hub.snapshot() == before


@pytest.mark.parametrize(("media", "text", "field"), [
    ("application/json", '"title": {"ro": "a\\u0000b", "en": "x"}', "$.title.ro"),
    ("application/json", '"title": {"ro": "a\\udc00b", "en": "x"}', "$.title.ro"),
    ("application/json", '"keywords": {"ro": ["ok", "\\ud800"]}', "$.keywords.ro[1]"),
    ("text/turtle", 'dct:title "a\\u0000b"@ro', "http://purl.org/dc/terms/title"),
    ("text/turtle", 'dct:title "a\\uD800b"@ro', None),
])
def test_nul_and_lone_surrogates_are_400_and_nothing_is_stored(
        hub: Hub, who: Who, media: str, text: str, field: str | None) -> None:
    code = "ASP-9620"
    if media == "application/json":
        doc = json.loads(body(passport(code)))
        key = text.split('"')[1]
        doc.pop(key)
        data = json.dumps(doc)[:-1] + ", " + text + "}"
    else:
        data = ttl(code) + f"\n<{SVC}{code}> {text} .\n"
    before = hub.snapshot()
    err = error(hub.client.post(f"{API}/services", content=data,
                                headers={**who.asp, "Content-Type": media}), 400)
    if field is not None:
        assert err["field"] == field
    assert hub.snapshot() == before


def test_nul_in_a_patch_or_an_imported_record_is_refused(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-9621", who.asp).headers["etag"]
    before = hub.snapshot()
    r = hub.client.patch(f"{API}/services/ASP-9621", content='{"title": {"ro": "a\\u0000"}}',
                         headers={**who.asp, **MERGE, "If-Match": etag})
    assert error(r, 400)["field"] == "$.title.ro"
    line = body(passport("ASP-9622")).replace(b'"Serviciu de test"', b'"a\\u0000b"')
    r = hub.client.post(f"{API}/import", content=line, params={"mode": "per-record"},
                        headers={**who.asp, "Content-Type": "application/x-ndjson"})
    [record] = r.json()["records"]
    assert (record["status"], record["error"]["field"]) == ("rejected", "$.title.ro")
    assert hub.snapshot() == before


@pytest.mark.parametrize(("where", "media"), [
    ("code", "application/json"), ("part identifier", "application/json"),
    ("part key", "application/json"), ("iri", "application/json"),
    ("code", "text/turtle"), ("iri", "text/turtle"),
])
@pytest.mark.parametrize("char", ["\u202e", "\u200b"])
def test_invisible_and_bidi_characters_in_identifiers_are_400_naming_the_field(
        hub: Hub, who: Who, where: str, media: str, char: str) -> None:
    code = "ASP-9630"
    p = passport(code)
    if where == "code":
        p.code = "ASP-96" + char + "30"
    elif where == "part identifier":
        p.evidence[0].identifier += char
    elif where == "part key":
        p.evidence[0].key += char
    else:
        p.legal_resources[0] += char
    data = body(p) if media == "application/json" else body(p, "turtle")
    if where == "code" and media == "text/turtle":  # the IRI clean, only dct:identifier not
        data = body(passport(code), "turtle").replace(b'"ASP-9630"', f'"{p.code}"'.encode())
    before = hub.snapshot()
    r = hub.client.post(f"{API}/services", content=data, headers={**who.asp,
                                                                   "Content-Type": media})
    err = error(r, 400)
    assert f"U+{ord(char):04X}" in err["message"]["en"]
    assert f"U+{ord(char):04X}" in err["message"]["ro"]
    expected = {"code": ("code", "identifier"), "part identifier": ("identifier",),
                "part key": ("evidence.0.key", "evidence/1"), "iri": ("eli/lege",)}[where]
    assert any(word in err["field"] for word in expected), err["field"]
    assert hub.snapshot() == before


def test_romanian_letters_are_stored_exactly_as_written(hub: Hub, who: Who) -> None:
    cedilla = "Şcoala din Ţânţăreni"  # ş ţ with cedilla (U+015F, U+0163), as older data has
    comma = "Școala din Țânțăreni"  # ș ț with comma below (U+0219, U+021B)
    decomposed = "Ca\u0306ma\u0306s\u0326i"  # ă and ș written with combining marks (NFD)
    given = {"ro": cedilla, "en": comma, "ru": decomposed}
    for n, fmt in enumerate(("json", "turtle", "csv")):
        code = f"ASP-964{n}"
        p = passport(code, title_ro=cedilla)
        p.title = dict(given)
        p.keywords = {"ro": [cedilla, comma]}
        media = {"json": "application/json", "turtle": "text/turtle", "csv": "text/csv"}[fmt]
        r = hub.client.post(f"{API}/services", content=body(p, fmt),
                            headers={**who.asp, "Content-Type": media})
        assert r.status_code == 201, r.text
        stored = hub.stored(code, 1)
        assert stored.title == given, fmt
        assert stored.keywords == {"ro": sorted([cedilla, comma])}
        assert cedilla in hub.content(code, 1)
    code = "ASP-9640"
    r = hub.move(code, "submit", who.asp, hub.etag(code))
    hub.move(code, "publish", who.age, r.headers["etag"])
    assert hub.read(code).title == given
    assert f'"{cedilla}"@ro' in hub.in_store(code)  # type: ignore[operator]
    turtle = hub.client.get(f"{API}/services/{code}", headers={"Accept": "text/turtle"}).text
    assert cedilla in turtle
    assert decomposed in turtle
    exported = hub.client.get(f"{API}/services", params={"format": "csv"}).content.decode()
    assert cedilla in exported
    assert decomposed in exported


def test_a_passport_document_may_describe_only_its_own_service(hub: Hub, who: Who) -> None:
    code, other = "ASP-9650", "ASP-9651"
    org, place = BASE + "id/org/asp", BASE + "id/location/bravicea-calarasi"
    doc = (ttl(code) + "\n" + ttl(other) + "\n"
           f'<{org}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Preluat"@ro .\n'
           f'<{place}> <http://www.w3.org/2000/01/rdf-schema#label> "Alt sat"@ro .\n'
           '[] <http://purl.org/dc/terms/title> "orfan"@ro .\n')
    before = hub.snapshot()
    found = findings(hub.client.post(f"{API}/services", content=doc,
                                     headers={**who.asp, **TURTLE}))
    values = [f["value"] for f in found]
    assert f"<{SVC}{other}>" in values
    assert f"<{org}>" in values
    assert f"<{place}>" in values
    assert len(found) == 4  # one per foreign resource (the other service with its parts)
    assert all(f["severity"] == "violation" and f["message"]["ro"] and f["message"]["en"]
               for f in found)
    [service] = [f for f in found if f["value"] == f"<{SVC}{other}>"]
    assert "another service" in service["message"]["en"]
    assert hub.snapshot() == before

    etag = hub.create("ASP-9652", who.asp).headers["etag"]
    before = hub.snapshot()
    elsewhere = hub.client.put(f"{API}/services/ASP-9652", content=ttl("ASP-9653"),
                               headers={**who.asp, **TURTLE, "If-Match": etag})
    assert elsewhere.status_code == 422
    assert any("ASP-9653" in f["message"]["en"] for f in findings(elsewhere))
    jsonld = body(passport("ASP-9654"), "jsonld").decode()
    hijack = json.loads(jsonld)
    hijack = (hijack if isinstance(hijack, list) else [hijack]) + [
        {"@id": org, "http://www.w3.org/2004/02/skos/core#prefLabel": "Preluat"}]
    r = hub.client.post(f"{API}/services", content=json.dumps(hijack),
                        headers={**who.asp, "Content-Type": "application/ld+json"})
    assert [f["value"] for f in findings(r)] == [f"<{org}>"]
    assert hub.snapshot() == before


def test_a_refused_passport_lists_every_problem_and_warnings_do_not_block(
        hub: Hub, who: Who) -> None:
    doc = json.loads(body(passport("ASP-9660")))
    doc.update(code="bad", colour="blue", costs=[{**doc["costs"][0], "value": -1}])
    del doc["title"]
    before = hub.snapshot()
    got = {f["path"]: f for f in findings(hub.client.post(
        f"{API}/services", content=json.dumps(doc), headers={**who.asp, **JSON}))}
    assert set(got) == {"code", "title", "colour", "costs.0.value"}
    assert got["code"]["value"] == "bad"
    assert all(f["severity"] == "violation" and f["message"]["ro"] != f["message"]["en"]
               for f in got.values())

    shapes = passport("ASP-9661", legal_resources=[], audiences=[], description={"en": "x"})
    r = hub.client.post(f"{API}/services", content=body(shapes), headers={**who.asp, **JSON})
    paths = {f["path"].rsplit("/", 1)[-1] for f in findings(r) if f["severity"] == "violation"}
    assert {"hasLegalResource", "audience", "description"} <= paths
    dry = hub.client.post(f"{API}/validate", content=body(shapes), headers=JSON).json()
    assert dry["conforms"] is False
    assert {f["path"] for f in dry["records"][0]["findings"]} == {
        f["path"] for f in findings(r)}
    assert hub.snapshot() == before

    only_warning = passport("ASP-9662", description={"ro": "Doar în română."})
    dry = hub.client.post(f"{API}/validate", content=body(only_warning), headers=JSON).json()
    assert dry["conforms"] is True
    assert [f["severity"] for f in dry["records"][0]["findings"]] == ["warning"]
    assert hub.snapshot() == before  # a dry run
    assert hub.create(only_warning, who.asp).json()["version"] == 1
