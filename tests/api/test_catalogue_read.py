"""The integrators' read API of the published catalogue (issue 4): services by facet with cursor
pagination and CSV export, life and business events, organisations, one-stop-shop locations as
GeoJSON, and conditional GETs. Expected answers are computed from ``vocabularies/`` itself."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.records import csvformat
from catalog.settings import Settings
from tests.api.read_helpers import (
    API,
    LANGUAGE,
    SKOS,
    DemoData,
    Hub,
    media_type,
    running_hub,
)
from tests.builders import passport, withdraw


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return DemoData()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Hub]:
    """The demo catalogue, read only, on each ledger back end."""
    with running_hub(request.param, tmp_path_factory.mktemp("read") / "data") as h:
        yield h


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def writable(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Hub]:
    """The demo catalogue for the tests that publish (codes ASP-97xx, each test its own)."""
    with running_hub(request.param, tmp_path_factory.mktemp("write") / "data") as h:
        yield h


def walk(client: TestClient, url: str, **params: Any) -> tuple[list[dict[str, Any]],
                                                                 list[dict[str, Any]]]:
    """Every item of a paginated list, following ``next``; and every page's body."""
    items: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    r = client.get(url, params=params)
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body)
        items += body["items"]
        if body["next"] is None:
            return items, pages
        assert len(pages) < 200, "pagination does not end"
        r = client.get(body["next"])


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [i["code"] for i in items]


def error(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err: dict[str, Any] = r.json()["error"]
    assert err["message"]["en"]
    assert err["message"]["ro"]
    return err


# --- services by facet ------------------------------------------------------------------------
#: (query parameter, value, SPARQL pattern about ?s that the services must match)
FACETS = [
    ("authority", "ASP", "?s cv:hasCompetentAuthority <{base}id/org/asp>"),
    ("authority", "cnas", "?s cv:hasCompetentAuthority <{base}id/org/cnas>"),
    ("authority", "{base}id/org/anofm", "?s cv:hasCompetentAuthority <{base}id/org/anofm>"),
    ("life_event", "unemployment", "?s cv:isGroupedBy <{base}codelist/life-event/unemployment>"),
    ("life_event", "{base}codelist/life-event/birth",
     "?s cv:isGroupedBy <{base}codelist/life-event/birth>"),
    ("business_event", "import-export",
     "?s cv:isGroupedBy <{base}codelist/business-event/import-export>"),
    ("business_event", "start", "?s cv:isGroupedBy <{base}codelist/business-event/start>"),
    ("channel_type", "cups",
     "?s cv:hasChannel ?c . ?c dct:type <{base}codelist/channel-type/cups>"),
    ("channel_type", "online",
     "?s cv:hasChannel ?c . ?c dct:type <{base}codelist/channel-type/online>"),
    ("location", "consulate-london",
     "?s cv:hasChannel ?c . ?c dct:spatial <{base}id/location/consulate-london>"),
    ("location", "costesti-ialoveni",
     "?s cv:hasChannel ?c . ?c dct:spatial <{base}id/location/costesti-ialoveni>"),
    ("thematic_area", "social-protection",
     "?s cv:thematicArea <{base}codelist/thematic-area/social-protection>"),
    ("thematic_area", "transport", "?s cv:thematicArea <{base}codelist/thematic-area/transport>"),
    ("language", "ro", f"?s dct:language <{LANGUAGE}RON>"),
    ("language", "RON", f"?s dct:language <{LANGUAGE}RON>"),
    ("language", "ru", f"?s dct:language <{LANGUAGE}RUS>"),
    ("language", "en", f"?s dct:language <{LANGUAGE}ENG>"),
]


@pytest.mark.parametrize(("facet", "value", "pattern"), FACETS,
                         ids=[f"{f}={v.rsplit('/', 1)[-1]}" for f, v, _ in FACETS])
def test_each_facet_gives_exactly_the_services_that_have_it(
        hub: Hub, demo: DemoData, facet: str, value: str, pattern: str) -> None:
    base = hub.settings.base_uri
    expected = demo.services(pattern.format(base=base))
    if value != "en":  # the demo has no service in English: that case must answer empty
        assert len(expected) > 0, "the facet value must select something in the demo data"
    items, pages = walk(hub.client, f"{API}/services", **{facet: value.format(base=base)})
    assert sorted(codes(items)) == sorted(expected)
    assert len(codes(items)) == len(set(codes(items)))
    assert {p["total"] for p in pages} == {len(expected)}
    for item in items:
        assert item["iri"] == f"{base}id/service/{item['code']}"
        assert item["href"] == f"{API}/services/{item['code']}"
        assert item["title"] == demo.title(item["iri"])


def test_an_unfiltered_list_is_every_published_service(hub: Hub, demo: DemoData) -> None:
    items, pages = walk(hub.client, f"{API}/services", limit=500)
    assert codes(items) == sorted(demo.services())
    assert len(items) == 62
    assert pages[0]["total"] == 62
    authorities = {i["code"]: i["competent_authority"] for i in items}
    for row in demo.select("SELECT ?code ?a WHERE { GRAPH ?s { ?s a cpsv:PublicService ; "
                           "dct:identifier ?code ; cv:hasCompetentAuthority ?a } }"):
        assert authorities[row["code"]] == row["a"]


def _pattern(demo: DemoData, base: str, facet: str, value: str) -> str:
    """The SPARQL pattern (about ?s) of a short facet value."""
    channel = f"?s cv:hasChannel ?c_{facet} . ?c_{facet}"
    if facet == "authority":
        return f"?s cv:hasCompetentAuthority <{demo.institution(value)}>"
    if facet == "language":
        return f"?s dct:language <{LANGUAGE}{value}>"
    if facet == "channel_type":
        return f"{channel} dct:type <{base}codelist/channel-type/{value}>"
    if facet == "location":
        return f"{channel} dct:spatial <{base}id/location/{value}>"
    scheme = {"life_event": "life-event", "thematic_area": "thematic-area"}[facet]
    predicate = "cv:isGroupedBy" if facet == "life_event" else "cv:thematicArea"
    return f"?s {predicate} <{base}codelist/{scheme}/{value}>"


@pytest.mark.parametrize("query", [
    {"authority": "ASP", "channel_type": "cups"},
    {"authority": "CNAS", "life_event": "birth"},
    {"authority": "CNAS", "thematic_area": "social-protection", "channel_type": "online"},
    {"life_event": "unemployment", "language": "RON", "channel_type": "office"},
    {"location": "consulate-london", "authority": "ANOFM"},
], ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_facets_combine_as_and(hub: Hub, demo: DemoData, query: dict[str, str]) -> None:
    base = hub.settings.base_uri
    single = {facet: demo.services(_pattern(demo, base, facet, value))
              for facet, value in query.items()}
    expected = set.intersection(*single.values())
    items, pages = walk(hub.client, f"{API}/services", **query)
    assert sorted(codes(items)) == sorted(expected)
    assert pages[0]["total"] == len(expected)
    if "location" in query:  # no employment-agency service is offered in London
        assert expected == set()
        assert pages[0]["items"] == []
        assert pages[0]["next"] is None
    else:
        assert expected
        assert any(expected < s for s in single.values())  # AND narrows, OR would widen


@pytest.mark.parametrize(("query", "limit"), [({}, 7), ({"authority": "CNAS"}, 1),
                                              ({"channel_type": "cups"}, 5)],
                         ids=["all-by-7", "cnas-by-1", "cups-by-5"])
def test_cursor_pagination_walks_every_page_without_gaps_or_duplicates(
        hub: Hub, demo: DemoData, query: dict[str, str], limit: int) -> None:
    full = hub.client.get(f"{API}/services", params={**query, "limit": 500}).json()
    everything = codes(full["items"])
    assert everything == sorted(everything)
    items, pages = walk(hub.client, f"{API}/services", **query, limit=limit)
    assert codes(items) == everything  # same order, nothing missing, nothing twice
    assert len(pages) == math.ceil(len(everything) / limit)
    assert all(len(p["items"]) == limit for p in pages[:-1])
    assert {p["total"] for p in pages} == {len(everything)}
    for p in pages[:-1]:  # `next` keeps the filters and the page size
        for k, v in {**query, "limit": str(limit)}.items():
            assert f"{k}={v}" in p["next"]
    assert pages[-1]["next"] is None


@pytest.mark.parametrize("cursor", ["zzz", "!!!", base64.urlsafe_b64encode(b"not a code")
                                    .decode().rstrip("="), "%00"])
def test_a_cursor_this_api_did_not_give_is_400_naming_the_field(hub: Hub, cursor: str) -> None:
    err = error(hub.client.get(f"{API}/services", params={"cursor": cursor}), 400)
    assert err["code"] == "invalid_input"
    assert err["field"] == "cursor"
    assert err["message"] == {"en": "the cursor is not one this API gave",
                              "ro": "cursorul nu provine de la acest API"}


def test_an_unknown_institution_is_404_listing_the_known_codes(hub: Hub, demo: DemoData
                                                                ) -> None:
    err = error(hub.client.get(f"{API}/services", params={"authority": "XYZ"}), 404)
    assert err["field"] == "authority"
    assert err["value"] == "XYZ"
    assert err["message"] == {"en": "no institution with code 'XYZ'",
                              "ro": "nu există instituția cu codul 'XYZ'"}
    known = {r["code"] for r in demo.select("SELECT ?code WHERE { ?o sc:institutionCode ?code }")}
    assert set(err["expected"].split(", ")) == known


@pytest.mark.parametrize(("facet", "value", "en", "ro"), [
    ("life_event", "Bad Code", "life_event: 'Bad Code' is not a code",
     "life_event: 'Bad Code' nu este un cod"),
    ("location", "../etc", "location: '../etc' is not a code",
     "location: '../etc' nu este un cod"),
    ("language", "r", "language: 'r' is not a language code",
     "language: 'r' nu este un cod de limbă"),
    ("thematic_area", "http://x/> } UNION { ?s ?p ?o",
     "thematic_area: 'http://x/> } UNION { ?s ?p ?o' is not an IRI",
     "thematic_area: 'http://x/> } UNION { ?s ?p ?o' nu este un IRI"),
])
def test_a_malformed_facet_value_is_400_naming_the_field(
        hub: Hub, facet: str, value: str, en: str, ro: str) -> None:
    err = error(hub.client.get(f"{API}/services", params={facet: value}), 400)
    assert err["field"] == facet
    assert err["message"] == {"en": en, "ro": ro}


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "501"}, {"format": "xml"}])
def test_out_of_range_parameters_are_400(hub: Hub, params: dict[str, str]) -> None:
    err = error(hub.client.get(f"{API}/services", params=params), 400)
    assert err["field"] == f"query.{next(iter(params))}"


# --- CSV ----------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["format", "accept"])
def test_csv_exports_the_filtered_passports_in_full(hub: Hub, demo: DemoData, how: str) -> None:
    r = hub.client.get(f"{API}/services", params={"authority": "CNAS", "format": "csv"}) \
        if how == "format" else hub.client.get(f"{API}/services", params={"authority": "CNAS"},
                                               headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    assert media_type(r) == "text/csv"
    assert r.headers["content-disposition"].startswith("attachment")
    exported = csvformat.read_csv(r.content)
    expected = demo.services(f"?s cv:hasCompetentAuthority <{demo.institution('CNAS')}>")
    assert sorted(p.code for p in exported) == sorted(expected)
    published = {p.code: p for p in hub.catalog.published_passports()}
    for p in exported:
        assert p == published[p.code]


def test_the_csv_export_of_everything_has_every_passport(hub: Hub) -> None:
    r = hub.client.get(f"{API}/services", params={"format": "csv"})
    assert sorted(p.code for p in csvformat.read_csv(r.content)) == \
        sorted(p.code for p in hub.catalog.published_passports())


def test_the_csv_export_reimports_unchanged(writable: Hub) -> None:
    r = writable.client.get(f"{API}/services", params={"authority": "ASP", "format": "csv"})
    asp = sorted(p.code for p in csvformat.read_csv(r.content))
    before = writable.ledger_graphs()
    seq = writable.catalog.ledger.last_seq()
    imported = writable.client.post(f"{API}/import", content=r.content,
                                    params={"publish": "true"},
                                    headers={**writable.bearer("ASP", "reviewer"),
                                             "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    report = imported.json()
    assert report["summary"] == {"created": 0, "updated": 0, "unchanged": len(asp),
                                 "rejected": 0}
    assert sorted(rec["code"] for rec in report["records"]) == asp
    assert writable.ledger_graphs() == before
    assert writable.catalog.ledger.last_seq() == seq


# --- conditional GETs ---------------------------------------------------------------------
READ_URLS = [f"{API}/services?authority=ASP", f"{API}/services?format=csv",
             f"{API}/life-events", f"{API}/life-events/birth", f"{API}/business-events",
             f"{API}/business-events/start", f"{API}/organisations", f"{API}/organisations/ASP",
             f"{API}/locations", f"{API}/locations/consulate-london"]


@pytest.mark.parametrize("url", READ_URLS, ids=lambda u: u.removeprefix(API + "/"))
def test_every_read_has_validators_and_answers_304(hub: Hub, url: str) -> None:
    r = hub.client.get(url)
    assert r.status_code == 200, r.text
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert parsedate_to_datetime(modified) <= datetime.now(UTC)
    assert "accept" in r.headers["vary"].lower()
    again = hub.client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert hub.client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert hub.client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_the_json_etag_does_not_validate_the_csv(hub: Hub) -> None:
    url = f"{API}/services?authority=ASP"
    etag = hub.client.get(url).headers["etag"]
    r = hub.client.get(url, headers={"Accept": "text/csv", "If-None-Match": etag})
    assert r.status_code == 200
    assert media_type(r) == "text/csv"
    assert r.headers["etag"] != etag


def test_a_publication_changes_the_etag_and_the_list(writable: Hub) -> None:
    c = writable.client
    url = f"{API}/services"
    first = c.get(url, params={"limit": 500})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    p = passport("ASP-9711", title_ro="Serviciu numai în română",
                 languages=[LANGUAGE + "RON"])
    writable.publish(p)
    r = c.get(url, params={"limit": 500}, headers={"If-None-Match": etag})
    assert r.status_code == 200
    assert r.headers["etag"] != etag
    assert parsedate_to_datetime(r.headers["last-modified"]) >= parsedate_to_datetime(modified)
    assert r.json()["total"] == first.json()["total"] + 1
    assert "ASP-9711" in codes(r.json()["items"])
    assert c.get(url, params={"limit": 500},
                 headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    # the language facet tells it apart: Romanian only
    ro = codes(walk(c, url, language="ro", limit=500)[0])
    ru = codes(walk(c, url, language="ru", limit=500)[0])
    assert "ASP-9711" in ro
    assert "ASP-9711" not in ru
    assert len(ro) == len(ru) + 1


def test_a_withdrawal_changes_the_etag_and_leaves_the_list(writable: Hub) -> None:
    c = writable.client
    writable.publish(passport("ASP-9712"))
    url = f"{API}/services?authority=ASP&limit=500"
    before = c.get(url)
    assert "ASP-9712" in codes(before.json()["items"])
    assert c.get("/id/service/ASP-9712", headers={"Accept": "text/turtle"}).status_code == 200
    writable.withdraw("ASP-9712")
    r = c.get(url, headers={"If-None-Match": before.headers["etag"]})
    assert r.status_code == 200
    assert "ASP-9712" not in codes(r.json()["items"])
    assert r.json()["total"] == before.json()["total"] - 1
    # issue 9: a withdrawn record's IRI is 410 Gone (was 404)
    assert c.get("/id/service/ASP-9712", headers={"Accept": "text/turtle"}).status_code == 410


# --- life and business events ---------------------------------------------------------------
@pytest.mark.parametrize(("path", "scheme", "count"), [("life-events", "life-event", 18),
                                                       ("business-events", "business-event", 8)])
def test_events_list_every_concept_with_labels_and_service_counts(
        hub: Hub, demo: DemoData, path: str, scheme: str, count: int) -> None:
    r = hub.client.get(f"{API}/{path}")
    assert r.status_code == 200
    items = {i["id"]: i for i in r.json()["items"]}
    concepts = demo.concepts(scheme)
    assert set(items) == set(concepts)
    assert len(items) == count
    for notation, iri in concepts.items():
        item = items[notation]
        assert item["iri"] == iri
        assert item["label"] == demo.texts(iri, SKOS + "prefLabel")
        assert set(item["label"]) == {"ro", "en", "ru"}
        assert item["definition"] == demo.texts(iri, SKOS + "definition")
        assert item["services"] == len(demo.services(f"?s cv:isGroupedBy <{iri}>"))


@pytest.mark.parametrize(("path", "scheme", "concept"), [
    ("life-events", "life-event", "unemployment"), ("life-events", "life-event", "birth"),
    ("business-events", "business-event", "import-export"),
    ("business-events", "business-event", "change")])
def test_one_event_lists_its_services(hub: Hub, demo: DemoData, path: str, scheme: str,
                                      concept: str) -> None:
    r = hub.client.get(f"{API}/{path}/{concept}")
    assert r.status_code == 200, r.text
    body = r.json()
    iri = demo.concepts(scheme)[concept]
    assert body["id"] == concept
    assert body["iri"] == iri
    assert body["label"] == demo.texts(iri, SKOS + "prefLabel")
    assert sorted(codes(body["services"])) == sorted(demo.services(f"?s cv:isGroupedBy <{iri}>"))


def test_the_services_of_an_event_page_with_a_cursor(hub: Hub, demo: DemoData) -> None:
    expected = sorted(demo.services(f"?s cv:isGroupedBy <{demo.concepts('life-event')['birth']}>"))
    seen: list[str] = []
    body = hub.client.get(f"{API}/life-events/birth", params={"limit": 2}).json()
    while True:
        seen += codes(body["services"])
        nxt = body["next"]
        if nxt is None:
            break
        assert len(seen) <= len(expected)
        # `next` is a path like the services list gives, or the bare cursor
        body = (hub.client.get(nxt) if nxt.startswith("/") else
                hub.client.get(f"{API}/life-events/birth",
                               params={"limit": 2, "cursor": nxt})).json()
    assert seen == expected


@pytest.mark.parametrize(("url", "en", "ro"), [
    (f"{API}/life-events/nope", "no life-event 'nope'", "nu există life-event 'nope'"),
    (f"{API}/business-events/nope", "no business-event 'nope'",
     "nu există business-event 'nope'"),
])
def test_an_unknown_event_is_404(hub: Hub, url: str, en: str, ro: str) -> None:
    err = error(hub.client.get(url), 404)
    assert err["message"] == {"en": en, "ro": ro}
    assert err["value"] == "nope"


# --- organisations ------------------------------------------------------------------------
def test_organisations_list_every_institution_with_names_and_counts(
        hub: Hub, demo: DemoData) -> None:
    r = hub.client.get(f"{API}/organisations")
    assert r.status_code == 200
    items = {i["code"]: i for i in r.json()["items"]}
    rows = demo.select("SELECT ?org ?code ?id WHERE { ?org a cv:PublicOrganisation ; "
                       "sc:institutionCode ?code ; dct:identifier ?id }")
    assert set(items) == {row["code"] for row in rows}
    assert len(items) == 14
    for row in rows:
        item = items[row["code"]]
        assert item["iri"] == row["org"]
        assert item["identifier"] == row["id"]
        assert item["name"] == demo.texts(row["org"], SKOS + "prefLabel")
        assert {"ro", "en"} <= set(item["name"])
        assert item["services"] == len(demo.services(
            f"?s cv:hasCompetentAuthority <{row['org']}>"))


@pytest.mark.parametrize("code", ["ASP", "asp", "CNAS", "PARL"])
def test_one_organisation_lists_its_services(hub: Hub, demo: DemoData, code: str) -> None:
    r = hub.client.get(f"{API}/organisations/{code}")
    assert r.status_code == 200, r.text
    body = r.json()
    org = demo.institution(code.upper())
    assert body["code"] == code.upper()
    assert body["iri"] == org
    assert body["name"] == demo.texts(org, SKOS + "prefLabel")
    expected = sorted(demo.services(f"?s cv:hasCompetentAuthority <{org}>"))
    assert codes(body["services"]) == expected[:50]


def test_an_unknown_organisation_is_404(hub: Hub) -> None:
    err = error(hub.client.get(f"{API}/organisations/NOPE"), 404)
    assert err["message"] == {"en": "no institution with code 'NOPE'",
                              "ro": "nu există instituția cu codul 'NOPE'"}


def test_an_organisation_whose_record_was_withdrawn_is_410_not_a_server_error(
        writable: Hub) -> None:
    withdraw(writable.catalog, writable.settings.base_uri + "id/org/mmps", author="test")
    listed = {o["code"] for o in writable.client.get(f"{API}/organisations").json()["items"]}
    assert "MMPS" not in listed
    assert "ASP" in listed
    client = TestClient(writable.app, raise_server_exceptions=False)  # the running app
    r = client.get(f"{API}/organisations/MMPS")
    assert r.status_code == 410, r.text  # issue 9: gone, no longer 404
    assert r.json()["error"]["code"] == "gone"


# --- locations ----------------------------------------------------------------------------
#: the consular offices of the pilot, and roughly where their cities are (lon, lat)
CONSULATES = {"consulate-london": (-0.13, 51.51), "consulate-frankfurt": (8.68, 50.11),
              "consulate-milano": (9.19, 45.46), "consulate-padova": (11.88, 45.41),
              "consulate-istanbul": (28.98, 41.01)}


def _offered(demo: DemoData, location: str) -> set[str]:
    return demo.services(f"?s cv:hasChannel ?c . ?c dct:spatial <{location}>")


def _check_feature(f: dict[str, Any], demo: DemoData, where: dict[str, str]) -> None:
    assert f["type"] == "Feature"
    iri = f["properties"]["iri"]
    assert f["id"] == iri.rsplit("/", 1)[-1]
    geometry = f["geometry"]
    assert geometry["type"] == "Point"
    lon, lat = geometry["coordinates"]
    assert isinstance(lon, float)
    assert isinstance(lat, float)
    assert -180 <= lon <= 180
    assert -90 <= lat <= 90
    wkt_lon, wkt_lat = where["wkt"].removeprefix("POINT(").removesuffix(")").split()
    assert (lon, lat) == (float(wkt_lon), float(wkt_lat))  # GeoJSON: longitude first
    assert f["properties"]["type"] == where["type"]
    assert f["properties"]["name"] == demo.texts(iri, SKOS + "prefLabel")
    offered = f["properties"]["services"]
    assert sorted(codes(offered)) == sorted(_offered(demo, iri))
    for s in offered:
        assert s["href"] == f"{API}/services/{s['code']}"
        assert s["title"]["ro"] == demo.title(demo.iri(f"id/service/{s['code']}"))["ro"]


def test_locations_are_a_geojson_feature_collection_of_the_22_pilot_sites(
        hub: Hub, demo: DemoData) -> None:
    r = hub.client.get(f"{API}/locations")
    assert r.status_code == 200
    assert media_type(r) == "application/geo+json"
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    places = demo.locations()
    features = {f["properties"]["iri"]: f for f in fc["features"]}
    assert set(features) == set(places)
    assert len(fc["features"]) == 22
    assert len({f["id"] for f in fc["features"]}) == 22
    for iri, f in features.items():
        _check_feature(f, demo, places[iri])
    halls = [f for f in fc["features"] if f["properties"]["type"].endswith("/village-hall")]
    consulates = [f for f in fc["features"]
                  if f["properties"]["type"].endswith("/consular-office")]
    assert (len(halls), len(consulates)) == (17, 5)
    for f in halls:  # in the Republic of Moldova
        lon, lat = f["geometry"]["coordinates"]
        assert 26.6 <= lon <= 30.2
        assert 45.4 <= lat <= 48.5
    assert {f["id"] for f in consulates} == set(CONSULATES)
    for f in consulates:  # each where its city is
        lon, lat = CONSULATES[f["id"]]
        got_lon, got_lat = f["geometry"]["coordinates"]
        assert abs(got_lon - lon) < 0.5
        assert abs(got_lat - lat) < 0.5
    offered = {s["code"]: s["competent_authority"] for f in fc["features"]
               for s in f["properties"]["services"]}
    assert len(offered) == 22
    by_authority = sorted(a.rsplit("/", 1)[-1] for a in offered.values())
    assert (by_authority.count("asp"), by_authority.count("cnas")) == (12, 10)


@pytest.mark.parametrize("location", ["consulate-london", "costesti-ialoveni",
                                      "consulate-istanbul"])
def test_one_location_is_a_feature_with_its_services(hub: Hub, demo: DemoData,
                                                     location: str) -> None:
    r = hub.client.get(f"{API}/locations/{location}")
    assert r.status_code == 200, r.text
    assert media_type(r) == "application/geo+json"
    iri = demo.iri(f"id/location/{location}")
    _check_feature(r.json(), demo, demo.locations()[iri])
    everything = hub.client.get(f"{API}/locations").json()["features"]
    assert r.json() == next(f for f in everything if f["id"] == location)


def test_an_unknown_location_is_404_and_a_malformed_one_400(hub: Hub) -> None:
    err = error(hub.client.get(f"{API}/locations/atlantis"), 404)
    assert err["field"] == "location_id"
    assert err["message"] == {"en": "no location 'atlantis'",
                              "ro": "nu există locația 'atlantis'"}
    err = error(hub.client.get(f"{API}/locations/Not%20A%20Slug"), 400)
    assert err["field"] == "location"


# --- the remote store -----------------------------------------------------------------------
@pytest.mark.oxigraph_server
def test_a_remote_sparql_store_serves_the_same_catalogue(remote_settings: Settings,
                                                         demo: DemoData) -> None:
    settings = remote_settings.model_copy(update={"load_demo": True, "query_workers": 1})
    with TestClient(create_app(settings)) as c:
        base = settings.base_uri
        for facet, value, pattern in FACETS[::3]:
            items, _ = walk(c, f"{API}/services", **{facet: value.format(base=base)})
            assert sorted(codes(items)) == sorted(demo.services(pattern.format(base=base)))
        items, _ = walk(c, f"{API}/services", limit=9)
        assert codes(items) == sorted(demo.services())
        fc = c.get(f"{API}/locations").json()
        assert len(fc["features"]) == 22
        places = demo.locations()
        for f in fc["features"]:
            _check_feature(f, demo, places[f["properties"]["iri"]])
        orgs = {o["code"]: o["services"] for o in c.get(f"{API}/organisations").json()["items"]}
        assert orgs["ASP"] == len(demo.services(f"?s cv:hasCompetentAuthority <{base}id/org/asp>"))
        events = {e["id"]: e["services"] for e in c.get(f"{API}/life-events").json()["items"]}
        unemployment = demo.concepts("life-event")["unemployment"]
        assert events["unemployment"] == len(demo.services(f"?s cv:isGroupedBy <{unemployment}>"))
        etag = c.get(f"{API}/organisations").headers["etag"]
        assert c.get(f"{API}/organisations",
                     headers={"If-None-Match": etag}).status_code == 304
