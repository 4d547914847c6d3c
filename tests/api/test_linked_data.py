"""Dereferencing (issue 4): every IRI the catalogue mints under SEMCAT_BASE_URI answers HTML to
browsers and RDF to machines, in the asked language, with absolute IRIs from the base URI and
never from the Host header. Expected descriptions come from ``vocabularies/`` itself."""

from __future__ import annotations

import html
from collections.abc import Iterator
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from api.app import create_app
from catalog.settings import Settings
from tests.api.read_helpers import (
    BROWSER_ACCEPT,
    RDF_MEDIA,
    DemoData,
    Hub,
    Page,
    canonical,
    media_type,
    parse_rdf,
    running_hub,
    vary,
)

#: one IRI of every kind the catalogue mints: name -> (path under the base, its record's path)
IRIS = {
    "service": ("id/service/ASP-0001", "id/service/ASP-0001"),
    "evidence": ("id/service/ASP-0001/evidence/1", "id/service/ASP-0001"),
    "channel": ("id/service/CNAS-0001/channel/3", "id/service/CNAS-0001"),
    "organisation": ("id/org/asp", "id/org/asp"),
    "code list": ("codelist/life-event", "codelist/life-event"),
    "concept": ("codelist/life-event/unemployment", "codelist/life-event"),
    "legal act": ("eli/lege/2018/142", "eli/lege/2018/142"),
    "article": ("eli/lege/2018/142/art/5", "eli/lege/2018/142"),
    "location": ("id/location/consulate-london", "id/location/consulate-london"),
}
KINDS = list(IRIS)
TITLED = [k for k in KINDS if k != "channel"]  # a channel has a description but no title
ROOTS = [k for k, (path, record) in IRIS.items() if path == record]


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return DemoData()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Hub]:
    with running_hub(request.param, tmp_path_factory.mktemp("ld") / "data") as h:
        yield h


def pick(texts: dict[str, str], lang: str) -> str:
    """The text a reader of ``lang`` is shown: theirs, else Romanian, else English."""
    return texts.get(lang) or texts.get("ro") or texts["en"]


# --- RDF for machines -------------------------------------------------------------------------
@pytest.mark.parametrize("media", RDF_MEDIA)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_iri_gives_exactly_its_description_in_every_rdf_format(
        hub: Hub, demo: DemoData, kind: str, media: str) -> None:
    path, record = IRIS[kind]
    iri = demo.iri(path)
    r = hub.client.get("/" + path, headers={"Accept": media})
    assert r.status_code == 200, r.text
    assert media_type(r) == media
    assert "accept" in vary(r)
    served = canonical(parse_rdf(r.content, media))
    assert served == canonical(demo.description(iri))  # what the data says of it
    if path == record:  # a record's root: its whole graph, as the store holds it
        assert hub.catalog.store is not None
        assert served == canonical(hub.catalog.store.graph(iri))
        assert served == hub.catalog.ledger.published(iris=[iri])[iri]


def test_a_passport_in_turtle_is_isomorphic_to_its_source(hub: Hub, demo: DemoData) -> None:
    r = hub.client.get("/id/service/CNAS-0001", headers={"Accept": "text/turtle"})
    served = rdflib.Graph().parse(data=r.text, format="turtle")
    source = rdflib.Graph().parse(
        data=ox.serialize(demo.service_graph("CNAS-0001"), format=ox.RdfFormat.N_TRIPLES),
        format="nt")
    assert isomorphic(served, source)


@pytest.mark.parametrize("code", ["ASP-0001", "CNAS-0001", "ANOFM-0001"])
def test_every_catalogue_iri_a_passport_mentions_dereferences(hub: Hub, demo: DemoData,
                                                              code: str) -> None:
    base = hub.settings.base_uri
    mentioned = {t for tr in demo.service_graph(code) for t in (tr.subject, tr.object)
                 if isinstance(t, ox.NamedNode) and t.value.startswith(base)}
    assert len(mentioned) > 10
    for node in sorted(mentioned, key=lambda n: n.value):
        path = node.value.removeprefix(base)
        turtle = hub.client.get("/" + path, headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200, (path, turtle.text)
        assert canonical(parse_rdf(turtle.content, "text/turtle")) == \
            canonical(demo.description(node.value)), path
        html = hub.client.get("/" + path, headers={"Accept": "text/html"})
        assert html.status_code == 200, (path, html.text)


# --- HTML for people ------------------------------------------------------------------------
@pytest.mark.parametrize(("how", "lang"), [("default", "ro"), ("query", "en"), ("query", "ru"),
                                           ("header", "ru"), ("header", "en")])
@pytest.mark.parametrize("kind", TITLED)
def test_html_has_the_title_in_the_asked_language(hub: Hub, demo: DemoData, kind: str,
                                                  how: str, lang: str) -> None:
    path, _ = IRIS[kind]
    iri = demo.iri(path)
    headers = {"Accept": "text/html"}
    params = {}
    if how == "query":
        params["lang"] = lang
    elif how == "header":
        headers["Accept-Language"] = f"{lang}-MD,{lang};q=0.9,ro;q=0.5"
    r = hub.client.get("/" + path, params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert media_type(r) == "text/html"
    assert "accept" in vary(r)
    assert r.headers["content-language"] == lang
    page = Page(r.text)
    title = pick(demo.title(iri), lang)
    assert page.lang == lang
    assert page.heading.strip() == title
    assert page.title.startswith(title)
    assert iri in page.text


def test_the_query_language_wins_over_accept_language(hub: Hub, demo: DemoData) -> None:
    r = hub.client.get("/id/org/cnas", params={"lang": "en"},
                       headers={"Accept": "text/html", "Accept-Language": "ru"})
    assert Page(r.text).heading.strip() == demo.title(demo.iri("id/org/cnas"))["en"]


def test_a_passport_page_shows_what_an_applicant_needs(hub: Hub, demo: DemoData) -> None:
    r = hub.client.get("/id/service/CNAS-0001", headers={"Accept": "text/html"})
    page = Page(r.text)
    org = demo.iri("id/org/cnas")
    links = dict(page.links)
    assert links["/id/org/cnas?lang=ro"] == demo.title(org)["ro"]
    for t in demo.service_graph("CNAS-0001"):
        if t.predicate.value == "http://purl.org/vocab/cpsv#hasInput":
            assert demo.title(t.object.value)["ro"] in page.ids["evidence"]
    places = [loc for loc in demo.locations()
              if "CNAS-0001" in demo.services(f"?s cv:hasChannel ?c . ?c dct:spatial <{loc}>")]
    assert len(places) == 22
    for loc in places:
        href = "/" + loc.removeprefix(hub.settings.base_uri) + "?lang=ro"
        assert links[href] == demo.title(loc)["ro"]
        assert hub.client.get(href, headers={"Accept": "text/html"}).status_code == 200


# --- negotiation ----------------------------------------------------------------------------
@pytest.mark.parametrize(("accept", "expected"), [
    (BROWSER_ACCEPT, "text/html"),
    ("*/*", "text/turtle"),
    ("text/*", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("text/turtle;q=0.5, application/n-triples", "application/n-triples"),
    ("text/html;q=0.1, application/rdf+xml;q=0.8", "application/rdf+xml"),
])
def test_the_accept_header_chooses_the_representation(hub: Hub, accept: str,
                                                      expected: str) -> None:
    r = hub.client.get("/id/service/ASP-0001", headers={"Accept": accept})
    assert r.status_code == 200
    assert media_type(r) == expected


@pytest.mark.parametrize(("fmt", "expected"), [("ttl", "text/turtle"), ("nt",
                         "application/n-triples"), ("jsonld", "application/ld+json"),
                         ("rdf", "application/rdf+xml"), ("html", "text/html")])
def test_format_overrides_accept(hub: Hub, fmt: str, expected: str) -> None:
    r = hub.client.get("/id/org/asp", params={"format": fmt}, headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200
    assert media_type(r) == expected


def test_an_unknown_format_or_media_type_is_406(hub: Hub) -> None:
    r = hub.client.get("/id/org/asp", params={"format": "xyz"})
    assert r.status_code == 406
    assert r.json()["error"]["field"] == "format"
    r = hub.client.get("/id/org/asp", headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.json()["error"]["field"] == "Accept"


@pytest.mark.parametrize("path", ["id/service/ASP-9999", "id/service/ASP-0001/evidence/99",
                                  "id/org/nope", "codelist/nope", "codelist/life-event/nope",
                                  "eli/lege/1900/1", "eli/lege/2018/142/art/999",
                                  "id/location/atlantis"])
@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_an_unknown_iri_is_404(hub: Hub, path: str, accept: str) -> None:
    r = hub.client.get("/" + path, headers={"Accept": accept, "Accept-Language": "en"})
    assert r.status_code == 404
    if accept == "text/html":  # a browser gets a page saying so, in its language
        assert r.headers["content-type"].startswith("text/html")
        assert "<h1 id=\"title\">No such resource</h1>" in r.text
        assert hub.catalog.settings.base_uri + path in r.text
    else:
        assert r.json()["error"]["code"] == "not_found"


def test_a_dereferenced_iri_answers_304_to_its_etag(hub: Hub) -> None:
    for accept in ("text/turtle", "text/html"):
        r = hub.client.get("/id/org/asp", headers={"Accept": accept})
        again = hub.client.get("/id/org/asp", headers={"Accept": accept,
                                                        "If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
    ttl = hub.client.get("/id/org/asp", headers={"Accept": "text/turtle"}).headers["etag"]
    html = hub.client.get("/id/org/asp", headers={"Accept": "text/html"}).headers["etag"]
    en = hub.client.get("/id/org/asp?lang=en", headers={"Accept": "text/html"}).headers["etag"]
    assert len({ttl, html, en}) == 3


# --- IRIs from the base URI, never from the request ---------------------------------------------
@pytest.mark.parametrize("headers", [{"Host": "evil.example:9999"},
                                     {"X-Forwarded-Host": "evil.example",
                                      "X-Forwarded-Proto": "https"}],
                         ids=["host", "forwarded"])
def test_absolute_iris_come_from_the_base_uri_not_the_host_header(
        hub: Hub, demo: DemoData, headers: dict[str, str]) -> None:
    base = hub.settings.base_uri
    r = hub.client.get("/id/service/ASP-0001", headers={**headers, "Accept": "text/turtle"})
    assert r.status_code == 200
    triples = [q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)]  # no base
    assert canonical(triples) == canonical(demo.service_graph("ASP-0001"))
    ours = {t.value for tr in triples for t in (tr.subject, tr.object)
            if isinstance(t, ox.NamedNode) and "127.0.0.1" in t.value}
    assert ours
    assert all(v.startswith(base) for v in ours)
    for url in ("/id/service/ASP-0001", "/id/org/asp"):
        page = hub.client.get(url, headers={**headers, "Accept": "text/html"}).text
        assert "evil.example" not in page
    listing = hub.client.get("/api/v1/services", params={"limit": 3}, headers=headers).text
    assert "evil.example" not in listing
    assert "evil.example" not in hub.client.get("/api/v1/locations", headers=headers).text


# --- a base URI with a path -------------------------------------------------------------------
PATH_BASE = "http://127.0.0.1:8000/catalog/"


@pytest.fixture(scope="module")
def under_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with running_hub("sqlite", tmp_path_factory.mktemp("base") / "data",
                     base_uri=PATH_BASE) as h:
        yield h


@pytest.mark.parametrize("kind", TITLED)
def test_a_base_uri_with_a_path_dereferences_under_that_path(under_path: Hub, kind: str
                                                            ) -> None:
    demo = DemoData(PATH_BASE)
    path, _ = IRIS[kind]
    r = under_path.client.get("/catalog/" + path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    assert canonical(parse_rdf(r.content, "text/turtle", PATH_BASE)) == \
        canonical(demo.description(PATH_BASE + path))
    assert under_path.client.get("/" + path, headers={"Accept": "text/turtle"}
                                 ).status_code == 404
    html = under_path.client.get("/catalog/" + path, headers={"Accept": "text/html"})
    assert html.status_code == 200
    if kind in ROOTS:  # (the headings of parts are tested above)
        assert Page(html.text).heading.strip() == pick(demo.title(PATH_BASE + path), "ro")


def test_a_base_uri_with_a_path_links_pages_to_pages_that_open(under_path: Hub) -> None:
    page = Page(under_path.client.get("/catalog/id/service/ASP-0001",
                                      headers={"Accept": "text/html"}).text)
    own = [href for href, _ in page.links if href.startswith("/catalog/")]
    assert any(h.startswith("/catalog/id/org/asp") for h in own)
    for href in own:
        assert under_path.client.get(href, headers={"Accept": "text/html"}).status_code == 200, \
            href


def test_a_base_uri_with_a_path_front_page_links_open_passport_pages(under_path: Hub) -> None:
    front = Page(under_path.client.get("/").text)
    passports = []  # through the competent authorities' lists
    for authority in (href for href, _ in front.links if href.startswith("/authorities/")):
        listed = Page(under_path.client.get(authority).text)
        passports += [(href, text) for href, text in listed.links if "/id/service/" in href]
    assert len(passports) == 62
    for href, code in passports:
        r = under_path.client.get(href, headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 200, href
        assert code in r.text
        assert urlsplit(href).path.startswith("/catalog/id/service/")


# --- the remote store -----------------------------------------------------------------------
@pytest.mark.oxigraph_server
def test_a_remote_sparql_store_dereferences_the_same(remote_settings: Settings,
                                                     demo: DemoData) -> None:
    settings = remote_settings.model_copy(update={"load_demo": True, "query_workers": 1})
    with TestClient(create_app(settings)) as c:
        for kind in TITLED:
            path, _ = IRIS[kind]
            iri = demo.iri(path)
            r = c.get("/" + path, headers={"Accept": "application/n-triples"})
            assert r.status_code == 200, (kind, r.text)
            assert canonical(parse_rdf(r.content, "application/n-triples")) == \
                canonical(demo.description(iri)), kind
            html = c.get("/" + path, params={"lang": "en"}, headers={"Accept": "text/html"})
            assert html.status_code == 200
            if kind in ROOTS:  # (the headings of parts are tested above)
                assert Page(html.text).heading.strip() == pick(demo.title(iri), "en"), kind
        assert c.get("/id/org/nope", headers={"Accept": "text/turtle"}).status_code == 404


def test_a_browser_at_the_sparql_endpoint_gets_a_query_form(hub: Hub) -> None:
    """The pages' SPARQL link opens a form whose example query runs and finds services."""
    page = hub.client.get("/sparql", headers={"Accept": BROWSER_ACCEPT,
                                                  "Accept-Language": "en"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'action="/sparql"' in page.text
    assert "<textarea" in page.text
    example = html.unescape(page.text.split('name="query"', 1)[1].split(">", 1)[1]
                            .split("</textarea>", 1)[0])
    r = hub.client.get("/sparql", params={"query": example, "format": "json"})
    assert r.status_code == 200
    codes = [b["code"]["value"] for b in r.json()["results"]["bindings"]]
    # the first named example: the services of the life event "birth" in the demo
    assert codes == ["ASP-0003", "ASP-0013", "ASP-0016", "CNAS-0002", "CNAS-0003", "CNDDCM-0002"]
    # a client that asks for nothing in particular gets the service description (issue 9)
    plain = hub.client.get("/sparql")
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("text/turtle")
