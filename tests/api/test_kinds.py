"""Every kind of record through the same machinery: a kind declared here, in the test alone (its
model, mapping, shapes and search fields), is created, reviewed, published, versioned, diffed,
audited, searched, dumped and dereferenced with no code of its own anywhere else."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from api.app import create_app
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.namespaces import DCAT, DCT
from catalog.records.builtin import builtin_kinds
from catalog.records.ids import IriFamily
from catalog.records.kinds import Kinds, RecordKind, SearchField, SearchSpec
from catalog.records.mapping import Field as Mapped
from catalog.records.mapping import FieldMapping
from catalog.settings import Settings
from catalog.workflow.access import Tokens

TEST_NS = "https://w3id.org/semcat/test#"
WIDGET_SHAPES = f"""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix t: <{TEST_NS}> .

t:WidgetShape a sh:NodeShape ;
    sh:targetClass t:Widget ;
    sh:property [ sh:path dct:title ; sh:minCount 1 ;
                  sh:message "A widget needs a title"@en, "Un widget are nevoie de titlu"@ro ] .
"""


class Widget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^W-[0-9]{4}$")
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    owner: str
    related: list[str] = Field(default_factory=list)


def widget_kind(shapes: Path) -> RecordKind:
    root = TEST_NS + "Widget"
    return RecordKind(
        name="widget", root_class=root, iris=IriFamily("id/widget/{code}"),
        labels={"ro": "widget", "en": "widget", "ru": "виджет"},
        code_predicate=DCT + "identifier", code_pattern=r"W-[0-9]{4}", code_example="W-0001",
        authority_predicate=DCT + "publisher", shapes=(str(shapes),), model=Widget,
        mapping=FieldMapping(Widget, root, [
            Mapped("code", DCT + "identifier", "code"),
            Mapped("title", DCT + "title", "langmap"),
            Mapped("description", DCT + "description", "langmap"),
            Mapped("keywords", DCAT + "keyword", "langlists"),
            Mapped("owner", DCT + "publisher", "iri"),
            Mapped("related", DCT + "relation", "iris")]),
        field_labels={"title": {"en": "Title", "ro": "Denumirea"}},
        search=SearchSpec((SearchField("title", (DCT + "title",)),
                           SearchField("keywords", (DCAT + "keyword",), many=True),
                           SearchField("description", (DCT + "description",)))),
        import_order=5, path="widgets")


@pytest.fixture
def kinds(tmp_path: Path) -> Kinds:
    shapes = tmp_path / "widget-shapes.ttl"
    shapes.write_text(WIDGET_SHAPES, "utf-8")
    return builtin_kinds().with_(widget_kind(shapes))


@pytest.fixture
def hub(ledger_settings: Settings, kinds: Kinds) -> Iterator[tuple[TestClient, Catalog]]:
    with TestClient(create_app(ledger_settings, kinds=kinds)) as client:
        catalog: Catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        yield client, catalog


def bearer(catalog: Catalog, institution: str, role: str = "publisher") -> dict[str, str]:
    _, secret = Tokens(catalog.engine).create(institution, role)
    return {"Authorization": f"Bearer {secret}"}


def widget(base: str, title: str = "Roata dințată", **more: object) -> dict[str, object]:
    return {"code": "W-0001", "title": {"ro": title, "en": "Gear wheel"},
            "keywords": {"ro": ["angrenaj"]}, "owner": base + "id/org/asp", **more}


def test_a_kind_declared_in_a_test_is_published_versioned_diffed_searched_and_dumped(
        hub: tuple[TestClient, Catalog]) -> None:
    client, catalog = hub
    base = catalog.settings.base_uri
    asp, age = bearer(catalog, "ASP"), bearer(catalog, "AGE", "reviewer")
    # created as a draft by its owner, refused to another institution
    r = client.post("/api/v1/widgets", json=widget(base), headers=asp)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "draft"
    assert r.headers["location"] == "/api/v1/widgets/W-0001"
    cnas = bearer(catalog, "CNAS")
    stolen = client.put("/api/v1/widgets/W-0001", json=widget(base, "Furat"),
                        headers={**cnas, "If-Match": r.headers["etag"]})
    assert stolen.status_code == 403
    # the kind's shapes apply: a widget without a title is refused with the shape's message
    bad = client.post("/api/v1/widgets", json={**widget(base), "code": "W-0002",
                                                "title": {}}, headers=asp)
    assert bad.status_code == 422
    assert "A widget needs a title" in bad.text
    # reviewed and published like a passport
    r = client.post("/api/v1/widgets/W-0001/submit",
                    headers={**asp, "If-Match": r.headers["etag"]})
    r = client.post("/api/v1/widgets/W-0001/publish",
                    headers={**age, "If-Match": r.headers["etag"]})
    assert (r.status_code, r.json()["published_version"]) == (200, 1)
    public = client.get("/api/v1/widgets/W-0001")
    assert public.json() == {**widget(base), "description": {}, "related": []}
    # a second version through a merge patch, then the diff in sentences
    r = client.patch("/api/v1/widgets/W-0001", json={"title": {"ro": "Roată nouă"}},
                     headers={**asp, "If-Match": client.get(
                         "/api/v1/widgets/W-0001?version=latest", headers=asp).headers["etag"],
                              "Content-Type": "application/merge-patch+json"})
    assert (r.status_code, r.json()["version"]) == (200, 2), r.text
    r = client.post("/api/v1/widgets/W-0001/submit",
                    headers={**asp, "If-Match": r.headers["etag"]})
    client.post("/api/v1/widgets/W-0001/publish", headers={**age, "If-Match": r.headers["etag"]})
    diff = client.get("/api/v1/widgets/W-0001/diff?from=1&to=2").json()
    assert [c["path"] for c in diff["changes"]] == ["title.ro"]  # a merge patch keeps en
    assert diff["changes"][0]["text"]["en"] == \
        "Title (Romanian) changed from 'Roata dințată' to 'Roată nouă'"
    assert diff["rdf"]["added"]
    versions = client.get("/api/v1/widgets/W-0001/versions").json()
    assert [v["status"] for v in versions["versions"]] == ["superseded", "published"]
    assert [(t["from"], t["to"]) for t in versions["transitions"]] == [
        (None, "draft"), ("draft", "submitted"), ("submitted", "published"),
        (None, "draft"), ("draft", "submitted"), ("submitted", "published")]
    # audited, with the kind's code as the target
    with catalog.engine.connect() as conn:
        actions = [tuple(row) for row in conn.execute(text(
            "SELECT action, outcome FROM audit WHERE target = 'W-0001' ORDER BY id"))]
    assert actions == [("create", "ok"), ("replace", "refused"), ("submit", "ok"),
                       ("publish", "ok"), ("patch", "ok"), ("submit", "ok"), ("publish", "ok")]
    # searched (as widgets; a service search does not see them), diacritics folded
    catalog.project()
    page = catalog.search_index.search("roata", kind="widget")
    assert [h.code for h in page.hits] == ["W-0001"]
    assert catalog.search_index.search("roata").hits == ()
    hits = client.get("/api/v1/search?q=angrenaj&kind=widget").json()["hits"]
    assert [h["code"] for h in hits] == ["W-0001"]
    # dumped with the rest of the catalogue, and dereferenced as linked data
    dump = client.get("/api/v1/dump", headers={"Accept-Encoding": "gzip"})
    graphs = {q.graph_name.value for q in ox.parse(gzip.decompress(dump.content)
                                                   if dump.content[:2] == b"\x1f\x8b"
                                                   else dump.content,
                                                   format=ox.RdfFormat.N_QUADS)}
    assert base + "id/widget/W-0001" in graphs
    rdf = client.get("/id/widget/W-0001", headers={"Accept": "text/turtle"})
    assert rdf.status_code == 200
    assert "Roată nouă" in rdf.text
    feed = client.get("/api/v1/changes?after=0&content=false").json()["items"]
    assert [i["kind"] for i in feed if i["code"] == "W-0001"] == ["widget", "widget"]


def test_an_operator_import_leaves_drafts_with_transitions_and_audit_entries(
        hub: tuple[TestClient, Catalog], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main
    from tests.builders import passport

    client, catalog = hub
    f = tmp_path / "two.jsonl"
    f.write_text(passport("ASP-9501").model_dump_json() + "\n" +
                 passport("ASP-9502").model_dump_json() + "\n")
    settings = catalog.settings
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(settings.data_dir))
    if settings.database_url:
        monkeypatch.setenv("SEMCAT_DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert main(["import", "--ledger-only", "--author", "maria", str(f)]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["created"] == 2
    for code in ("ASP-9501", "ASP-9502"):
        assert client.get(f"/api/v1/services/{code}").status_code == 404  # not published
        versions = client.get(f"/api/v1/services/{code}/versions",
                              headers=bearer(catalog, "ASP")).json()
        assert [(v["status"], v["author"]) for v in versions["versions"]] == [
            ("draft", "operator:maria")]
        assert [(t["from"], t["to"], t["by"]) for t in versions["transitions"]] == [
            (None, "draft", "operator:maria")]
    with catalog.engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, action, role FROM audit WHERE target IN "
                                 "('ASP-9501', 'ASP-9502') ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("operator:maria", "import", "admin")] * 2
    # with --publish, the operator publishes at once, and that is recorded the same way
    assert main(["import", "--ledger-only", "--publish", "--author", "maria", str(f)]) == 0
    catalog.project()
    assert client.get("/api/v1/services/ASP-9501").status_code == 200
    versions = client.get("/api/v1/services/ASP-9501/versions").json()
    assert [(t["from"], t["to"], t["by"]) for t in versions["transitions"]][-1] == \
        (None, "published", "operator:maria")
