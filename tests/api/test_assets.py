"""Semantic assets through the machinery every kind has (workflow, history, diff, audit, search,
dumps, feed, dereferencing), harvested from the real X-Road definitions; hostile definitions
refused with nothing stored."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text as sql

from api.app import create_app
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Tokens

SERVICE_DESCRIPTION = "http://purl.org/adms/assettype/ServiceDescription"


@pytest.fixture
def hub(ledger_settings: Settings) -> Iterator[tuple[TestClient, Catalog]]:
    with TestClient(create_app(ledger_settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        yield client, catalog


def bearer(catalog: Catalog, institution: str, role: str = "publisher") -> dict[str, str]:
    _, secret = Tokens(catalog.engine).create(institution, role)
    return {"Authorization": f"Bearer {secret}"}


def test_a_harvested_wsdl_is_an_asset_published_versioned_diffed_searched_and_served(
        hub: tuple[TestClient, Catalog], shared: Path) -> None:
    client, catalog = hub
    base = catalog.settings.base_uri
    asp, age = bearer(catalog, "ASP"), bearer(catalog, "AGE", "reviewer")
    wsdl = (shared / "soap/xroad/xroad6-getRandom.wsdl").read_bytes()
    r = client.post("/api/v1/assets/harvest?code=asp-random&filename=random.wsdl"
                    "&title_ro=Numere%20aleatoare&title_en=Random%20numbers&version_info=1.0",
                    content=wsdl, headers={**asp, "Content-Type": "application/wsdl+xml"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["version"], body["status"], body["format"]) == (1, "draft", "wsdl")
    assert [o["name"] for o in body["operations"]] == ["getRandom"]
    amount = next(e for e in body["elements"] if e["path"] == "element/getRandom/amount")
    assert (amount["name"], amount["datatype"], amount["min_occurs"], amount["max_occurs"]) \
        == ("amount", "xs:positiveInteger", 1, 1)
    # the record holds what the harvest listed, with its file, owned by the institution
    record = client.get("/api/v1/assets/asp-random?version=latest", headers=asp).json()
    assert record["type"] == SERVICE_DESCRIPTION
    assert record["publisher"] == base + "id/org/asp"
    assert record["elements"] == body["elements"]
    assert record["distributions"] == [{
        "name": "random.wsdl", "media_type": "application/wsdl+xml", "byte_size": len(wsdl),
        "sha256": hashlib.sha256(wsdl).hexdigest(),
        "download_url": base + "api/v1/assets/asp-random/files/random.wsdl"}]
    # another institution may not harvest into it
    stolen = client.post("/api/v1/assets/harvest?code=asp-random&filename=x.wsdl",
                         content=wsdl, headers=bearer(catalog, "CNAS"))
    assert stolen.status_code == 403
    # reviewed and published like a passport; then the file is public
    etag = client.get("/api/v1/assets/asp-random?version=latest", headers=asp).headers["etag"]
    r = client.post("/api/v1/assets/asp-random/submit", headers={**asp, "If-Match": etag})
    r = client.post("/api/v1/assets/asp-random/publish",
                    headers={**age, "If-Match": r.headers["etag"]})
    assert r.status_code == 200, r.text
    f = client.get("/api/v1/assets/asp-random/files/random.wsdl")
    assert (f.status_code, f.content) == (200, wsdl)
    assert f.headers["content-type"].startswith("application/wsdl+xml")
    # a new version: an element's type changed and one removed: breaking changes listed
    changed = wsdl.replace(b'name="amount" type="positiveInteger"',
                           b'name="amount" type="string"')
    changed = changed.replace(b'maxOccurs="1000"', b'maxOccurs="10"')
    assert changed.count(b"string") > wsdl.count(b"string")
    r = client.post("/api/v1/assets/harvest?code=asp-random&filename=random.wsdl"
                    "&version_info=2.0", content=changed, headers=asp)
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["changes_from_version"], r.json()["breaking"]) == \
        (2, 1, True)
    assert {"path": "element/getRandom/amount", "change": "type_changed",
            "before": "xs:positiveInteger", "after": "xs:string", "breaking": True} in \
        r.json()["changes"]
    assert {"path": "type/randomValues/randomValue", "change": "cardinality_changed",
            "before": "1..1000", "after": "1..10", "breaking": True} in r.json()["changes"]
    r = client.post("/api/v1/assets/asp-random/submit",
                    headers={**asp, "If-Match": r.headers["etag"]})
    client.post("/api/v1/assets/asp-random/publish", headers={**age, "If-Match": r.headers["etag"]})
    diff = client.get("/api/v1/assets/asp-random/elements/diff?from=1&to=2").json()
    assert diff["breaking"] is True
    assert ("element/getRandom/amount", "type_changed") in \
        {(c["path"], c["change"]) for c in diff["changes"]}
    assert client.get("/api/v1/assets/asp-random/diff?from=1&to=2").json()["rdf"]["added"]
    # both versions' files stay served
    old = client.get("/api/v1/assets/asp-random/files/random.wsdl?version=1")
    assert old.content == wsdl
    # versions, audit, search, feed, dump, dereferencing
    versions = client.get("/api/v1/assets/asp-random/versions").json()
    assert [v["status"] for v in versions["versions"]] == ["superseded", "published"]
    with catalog.engine.connect() as conn:
        actions = [tuple(row) for row in conn.execute(sql(
            "SELECT action, outcome FROM audit WHERE target = 'asp-random' ORDER BY id"))]
    assert actions == [("create", "ok"), ("replace", "refused"), ("submit", "ok"),
                       ("publish", "ok"), ("replace", "ok"), ("submit", "ok"),
                       ("publish", "ok")]
    catalog.project()
    hits = client.get("/api/v1/search?q=aleatoare&kind=asset").json()["hits"]
    assert [h["code"] for h in hits] == ["asp-random"]
    feed = client.get("/api/v1/changes?after=0&content=false").json()["items"]
    assert [i["kind"] for i in feed if i["code"] == "asp-random"] == ["asset", "asset"]
    element = base + "id/asset/asp-random/element/getRandom/amount"
    rdf = client.get("/id/asset/asp-random", headers={"Accept": "application/n-triples"})
    triples = {q.triple for q in ox.parse(rdf.content, format=ox.RdfFormat.N_TRIPLES)}
    assert ox.Triple(ox.NamedNode(element), ox.NamedNode("https://w3id.org/semcat/ns#datatype"),
                     ox.Literal("xs:string")) in triples
    dump = client.get("/api/v1/dump").content
    assert (base + "id/asset/asp-random").encode() in dump


def test_a_hostile_or_broken_wsdl_is_refused_and_nothing_is_stored(
        tmp_path: Path, shared: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        asp = bearer(catalog, "ASP")
        for name, text in (
                ("xxe.wsdl", "XML with a DOCTYPE or entity declaration is refused"),
                ("invalid.wsdl", "invalid.wsdl is not well-formed XML (line 1, column 1)")):
            body = (shared / "soap/xroad" / name).read_bytes()
            r = client.post(f"/api/v1/assets/harvest?code=asp-bad&filename={name}",
                            content=body, headers=asp)
            assert r.status_code in (400, 422), r.text
            assert r.headers["content-type"].startswith("application/problem+json")
            assert text in r.text
        assert client.get("/api/v1/assets/asp-bad?version=latest",
                          headers=asp).status_code == 404
        with catalog.engine.connect() as conn:
            assert conn.execute(sql("SELECT count(*) FROM asset_file")).scalar() == 0
            assert conn.execute(sql("SELECT count(*) FROM record WHERE kind = 'asset'")
                                ).scalar() == 0
