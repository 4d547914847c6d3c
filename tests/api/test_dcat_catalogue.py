"""The hub described as a DCAT-AP 3.0.1 catalogue (issue 9, point 7): ``GET /catalog`` against
the official modular shapes (``shacl-modules/``: the full shapes crash pySHACL on
dcat:DataService), with 0 violations; every URL it gives opens; and the dump it points to still
conforms to the official CPSV-AP 3.2.0 shapes with 0 violations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from catalog import rdfio
from tests.api.read_helpers import BASE, Hub, canonical, parse_rdf, running_hub

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MODULES = ["shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "deprecateduris.ttl",
           "shapes_recommended.ttl"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with running_hub("sqlite", tmp_path_factory.mktemp("dcat") / "data") as h:
        yield h


@pytest.fixture(scope="module")
def dcat_shapes(shared: Path) -> rdflib.Graph:
    shapes = rdflib.Graph()
    for name in MODULES:
        shapes.parse(shared / "dcat-ap" / "3.0.1" / "shacl-modules" / name, format="turtle")
    return shapes


def results(data: rdflib.Graph, shapes: rdflib.Graph) -> dict[str, list[str]]:
    """The report's results (not the details nested in them), by severity."""
    _, report, _ = validate(data, shacl_graph=shapes)
    out: dict[str, list[str]] = {"Violation": [], "Warning": [], "Info": []}
    for r in report.objects(None, SH.result):
        severity = str(report.value(r, SH.resultSeverity)).removeprefix(str(SH))
        out[severity].append(f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
                             f"{report.value(r, SH.resultMessage)}")
    return out


def catalogue(hub: Hub, media: str = "text/turtle") -> list[ox.Triple]:
    r = hub.client.get("/catalog", headers={"Accept": media})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    return parse_rdf(r.content, media)


def graph(triples: list[ox.Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=rdfio.serialize(triples, "ntriples").decode(), format="nt")


def subjects(triples: list[ox.Triple], cls: str) -> set[str]:
    return {t.subject.value for t in triples
            if t.predicate.value == RDF_TYPE and t.object.value == cls}


@pytest.mark.shared
def test_the_catalogue_conforms_to_the_official_dcat_ap_shapes(hub: Hub,
                                                               dcat_shapes: rdflib.Graph) -> None:
    found = catalogue(hub)
    assert results(graph(found), dcat_shapes)["Violation"] == []


@pytest.mark.shared
def test_the_shapes_do_catch_a_catalogue_without_its_title(hub: Hub,
                                                          dcat_shapes: rdflib.Graph) -> None:
    broken = [t for t in catalogue(hub) if not (t.subject.value == BASE + "catalog"
                                                and t.predicate.value == DCT + "title")]
    violations = results(graph(broken), dcat_shapes)["Violation"]
    assert len(violations) == 1
    assert violations[0].startswith(f"{BASE}catalog {DCT}title")


def test_it_lists_the_datasets_services_and_a_record_for_each(hub: Hub) -> None:
    found = catalogue(hub)
    datasets = subjects(found, DCAT + "Dataset")
    codelists = hub.catalog.ledger.published_iris("codelist")
    kinds = [k.name for k in hub.catalog.kinds if hub.catalog.ledger.published_iris(k.name)]
    assert len(codelists) >= 9
    assert datasets == ({BASE + "catalog/dataset/all"}
                        | {f"{BASE}catalog/dataset/{k}" for k in kinds}
                        | {BASE + "catalog/dataset/codelist/" + c.removeprefix(BASE + "codelist/")
                           for c in codelists})
    services = subjects(found, DCAT + "DataService")
    assert services == {BASE + "sparql", BASE + "graph-store", BASE + "api/v1",
                        BASE + "soap/nomenclature"}
    served_by_soap = {t.object.value for t in found if t.subject.value == BASE +
                      "soap/nomenclature" and t.predicate.value == DCAT + "servesDataset"}
    assert served_by_soap == {BASE + "catalog/dataset/service"}  # the nomenclature
    topics = {t.object.value for t in found if t.predicate.value == "http://xmlns.com/foaf/0.1/"
              "primaryTopic"}
    assert topics == datasets | services
    titles = {t.object.language for t in found if t.subject.value == BASE + "catalog"
              and t.predicate.value == DCT + "title"}  # type: ignore[union-attr]
    assert titles == {"ro", "en", "ru"}


def test_every_url_it_gives_opens(hub: Hub) -> None:
    found = catalogue(hub)
    urls = {t.object.value for t in found if t.predicate.value in (
        DCAT + "accessURL", DCAT + "downloadURL", DCAT + "endpointURL",
        DCAT + "endpointDescription")}
    assert len(urls) > 15
    for url in sorted(urls):
        assert url.startswith(BASE), url
        split = urlsplit(url)
        r = hub.client.get(split.path + (f"?{split.query}" if split.query else ""),
                           headers={"Accept-Encoding": "identity"})
        assert r.status_code == 200, (url, r.status_code)


@pytest.mark.parametrize("media", ["application/ld+json", "application/n-triples",
                                   "application/rdf+xml", "application/trig"])
def test_the_catalogue_is_content_negotiated(hub: Hub, media: str) -> None:
    assert canonical(catalogue(hub, media)) == canonical(catalogue(hub))
    r = hub.client.get("/catalog", headers={"Accept": media})
    again = hub.client.get("/catalog", headers={"Accept": media,
                                                "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert r.headers["access-control-allow-origin"] == "*"
    head = hub.client.head("/catalog", headers={"Accept": media})
    assert (head.status_code, head.headers["etag"], head.content) == (200, r.headers["etag"], b"")


def test_its_urls_come_from_the_base_uri_not_the_host(hub: Hub) -> None:
    r = hub.client.get("/catalog", headers={"Host": "evil.example", "Accept": "text/turtle"})
    assert b"evil.example" not in r.content
    assert hub.client.get("/catalog", params={"format": "xyz"}).status_code == 406


@pytest.mark.shared
def test_the_dump_it_points_to_conforms_to_cpsv_ap_320(hub: Hub, shared: Path) -> None:
    r = hub.client.get("/api/v1/dump", params={"format": "turtle"})
    assert r.status_code == 200
    data = rdflib.Graph().parse(data=r.content.decode(), format="turtle")
    services = set(data.subjects(rdflib.RDF.type,
                                 rdflib.URIRef("http://purl.org/vocab/cpsv#PublicService")))
    assert len(services) == 62
    shapes = rdflib.Graph().parse(shared / "cpsv-ap" / "3.2.0" / "cpsv-ap-SHACL.ttl",
                                  format="turtle")
    found = results(data, shapes)
    assert found["Violation"] == []
