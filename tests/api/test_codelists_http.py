"""Code lists browsed like Skosmos through ``/api/v1/codelists``: the shipped life-event list,
then a second version of it published by an operator (a concept added under another, one
removed, one deprecated, one relabelled, one respelt with a cedilla ş only): versions,
hierarchy, A-Z, concepts, search through the index (ș/ş folded) and the diff, on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog import paths
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.publishing import Publishing
from tests.servers import postgres_database

LIFE = paths.CODELISTS_DIR / "life-events.ttl"
ADOPTION = """
<codelist/life-event/adoption> a skos:Concept , cv:LifeEvent , cv:Event ;
    skos:inScheme <codelist/life-event> ;
    skos:broader <codelist/life-event/birth> ;
    skos:notation "adoption" ;
    skos:prefLabel "Înfierea unui copil"@ro , "Adoption of a child"@en , "Усыновление"@ru ;
    skos:altLabel "Adopția"@ro ;
    skos:definition "Înfierea și drepturile părinților adoptivi."@ro ;
    skos:exactMatch <http://publications.europa.eu/resource/authority/life-event/adoption> ;
    dct:identifier "adoption" ;
    dct:title "Înfierea unui copil"@ro .
"""


def second_version(text: str) -> str:
    """Version 1.1.0 of the life events, written as an editor would."""
    text = text.replace('owl:versionInfo "1.0.0"', 'owl:versionInfo "1.1.0"')
    # removed: military service, its concept and its place among the top concepts
    start = text.index("<codelist/life-event/military-service> a skos:Concept")
    end = text.index("\n\n", start)
    text = text[:start] + text[end + 2:]
    text = text.replace("<codelist/life-event/military-service> ,", "")
    # deprecated, replaced by marriage (a test of the words, not of family law)
    text = text.replace('skos:notation "divorce" ;', 'skos:notation "divorce" ;\n'
                        '    owl:deprecated true ;\n'
                        '    dct:isReplacedBy <codelist/life-event/marriage> ;')
    # relabelled in Romanian; respelt with a cedilla (the same label)
    text = text.replace('"Căsătoria"@ro', '"Încheierea căsătoriei"@ro')
    text = text.replace('"Nașterea unui copil"@ro', '"Naşterea unui copil"@ro')
    return text + ADOPTION


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("codelists") / "data"
    if request.param == "sqlite":
        yield from _client(Settings(env="test", data_dir=data))
        return
    with postgres_database() as url:
        yield from _client(Settings(env="test", data_dir=data, database_url=url))


def _client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        catalog = c.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        drafts = catalog.parse(second_version(LIFE.read_text("utf-8")).encode(), "x.ttl")
        report = Publishing(catalog, "codelist").import_records(
            Principal.operator("test"), drafts, atomic=True, publish=True)
        assert report.counts["created"] + report.counts.get("updated", 0) >= 1, report.counts
        catalog.project()
        yield c


def test_the_list_of_code_lists_names_every_shipped_scheme(client: TestClient) -> None:
    r = client.get("/api/v1/codelists")
    assert r.status_code == 200
    by_id = {s["id"]: s for s in r.json()}
    shipped = {p.read_text("utf-8").split("<codelist/", 1)[1].split(">", 1)[0]
               for p in Path(paths.CODELISTS_DIR).glob("*.ttl")}
    assert set(by_id) == shipped
    life = by_id["life-event"]
    assert life["version"] == 2
    assert life["version_info"] == "1.1.0"
    assert life["concepts"] == 18  # 18 - military service + adoption
    assert life["title"]["ru"] == "Жизненные ситуации"


def test_a_scheme_lists_its_versions_and_top_concepts(client: TestClient) -> None:
    body = client.get("/api/v1/codelists/life-event", params={"lang": "en"}).json()
    assert [(v["version"], v["status"], v["version_info"], v["current"])
            for v in body["versions"]] == [(1, "superseded", "1.0.0", False),
                                           (2, "published", "1.1.0", True)]
    tops = [c["id"] for c in body["top_concepts"]]
    assert "adoption" not in tops  # it has a broader concept
    assert "military-service" not in tops
    assert "birth" in tops
    labels = [c["label"]["en"] for c in body["top_concepts"]]
    assert labels == sorted(labels, key=str.casefold)
    old = client.get("/api/v1/codelists/life-event", params={"version": 1}).json()
    assert old["version"] == 1
    assert "military-service" in [c["id"] for c in old["top_concepts"]]


def test_the_hierarchy_nests_narrower_concepts(client: TestClient) -> None:
    body = client.get("/api/v1/codelists/life-event/concepts",
                      params={"view": "hierarchy", "lang": "ro"}).json()
    [birth] = [n for n in body["tree"] if n["id"] == "birth"]
    assert [n["id"] for n in birth["narrower"]] == ["adoption"]
    deprecated = {n["id"] for n in body["tree"] if n["deprecated"]}
    assert deprecated == {"divorce"}


def test_a_to_z_folds_diacritics_and_cedillas(client: TestClient) -> None:
    body = client.get("/api/v1/codelists/life-event/concepts",
                      params={"view": "az", "lang": "ro"}).json()
    letters = {x["letter"]: x["count"] for x in body["letters"]}
    assert sum(letters.values()) == 18
    assert "Î" not in letters
    assert "Ș" not in letters
    under_i = client.get("/api/v1/codelists/life-event/concepts",
                         params={"view": "az", "lang": "ro", "letter": "i"}).json()
    labels = [c["label"]["ro"] for c in under_i["concepts"]]
    assert "Încheierea căsătoriei" in labels
    assert "Înfierea unui copil" in labels
    assert len(labels) == letters["I"]
    under_n = client.get("/api/v1/codelists/life-event/concepts",
                         params={"view": "az", "lang": "ro", "letter": "N"}).json()
    assert [c["id"] for c in under_n["concepts"]] == ["birth"]  # "Naşterea", with a cedilla


def test_a_concept_has_its_labels_definition_hierarchy_and_mappings(client: TestClient) -> None:
    body = client.get("/api/v1/codelists/life-event/concepts/adoption").json()
    assert body["label"] == {"ro": "Înfierea unui copil", "en": "Adoption of a child",
                             "ru": "Усыновление"}
    assert body["alt_labels"] == {"ro": ["Adopția"]}
    assert body["definition"]["ro"].startswith("Înfierea")
    assert [b["id"] for b in body["broader"]] == ["birth"]
    assert body["mappings"] == [{"relation": "exactMatch", "target":
                                 "http://publications.europa.eu/resource/authority/"
                                 "life-event/adoption"}]
    assert body["version"] == 2
    divorce = client.get("/api/v1/codelists/life-event/concepts/divorce").json()
    assert divorce["deprecated"] is True
    assert divorce["replaced_by"] == [divorce["iri"].rsplit("/", 1)[0] + "/marriage"]
    birth = client.get("/api/v1/codelists/life-event/concepts/birth").json()
    assert [n["id"] for n in birth["narrower"]] == ["adoption"]


def test_an_older_version_is_read_and_a_removed_concept_is_not_in_the_current(
        client: TestClient) -> None:
    old = client.get("/api/v1/codelists/life-event/concepts/military-service",
                     params={"version": 1})
    assert old.status_code == 200
    assert old.json()["version"] == 1
    gone = client.get("/api/v1/codelists/life-event/concepts/military-service")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    assert gone.json()["error"]["field"] == "concept"


def test_search_folds_diacritics_and_cedillas_through_the_index(client: TestClient) -> None:
    for q in ("infierea", "Înfierea", "adoptia", "усыновл"):
        hits = client.get("/api/v1/codelists/life-event/search", params={"q": q}).json()["hits"]
        assert [h["code"] for h in hits] == ["adoption"], q
    # the current version is searched: the cedilla spelling is found by either spelling
    for q in ("naşterea", "nașterea", "nasterea"):
        hits = client.get("/api/v1/codelists/life-event/search", params={"q": q}).json()["hits"]
        assert "birth" in [h["code"] for h in hits], q
    # a removed concept is no longer found; another code list's concepts are not either
    assert client.get("/api/v1/codelists/life-event/search",
                      params={"q": "militar"}).json()["hits"] == []
    hits = client.get("/api/v1/codelists/evidence-type/search",
                      params={"q": "copil"}).json()["hits"]
    assert all("/evidence-type/" in h["iri"] for h in hits)


def test_the_diff_of_two_versions(client: TestClient) -> None:
    r = client.get("/api/v1/codelists/life-event/diff", params={"from": 1, "to": 2})
    assert r.status_code == 200
    d = r.json()
    assert [c["id"] for c in d["added"]] == ["adoption"]
    assert [c["id"] for c in d["removed"]] == ["military-service"]
    assert [c["id"] for c in d["deprecated"]] == ["divorce"]
    assert d["deprecated"][0]["replaced_by"][0].endswith("/marriage")
    # the cedilla respelling of "Nașterea" is not a relabelling
    assert [(c["id"], c["labels"]) for c in d["relabelled"]] == [
        ("marriage", [{"lang": "ro", "old": "Căsătoria", "new": "Încheierea căsătoriei"}])]
    assert d["moved"] == []


@pytest.mark.parametrize(("path", "params", "status", "field"), [
    ("/api/v1/codelists/no-such-list", {}, 404, "scheme"),
    ("/api/v1/codelists/Life%20Event", {}, 404, "scheme"),
    ("/api/v1/codelists/life-event", {"version": 7}, 404, "version"),
    ("/api/v1/codelists/life-event", {"version": 0}, 400, "query.version"),
    ("/api/v1/codelists/life-event/concepts", {"view": "cloud"}, 400, "view"),
    ("/api/v1/codelists/life-event/concepts", {"view": "az", "letter": "ab"}, 400, "letter"),
    ("/api/v1/codelists/life-event/concepts/nope", {}, 404, "concept"),
    ("/api/v1/codelists/life-event/search", {"q": "x" * 201}, 400, "q"),
    ("/api/v1/codelists/life-event/search", {"q": "nas", "limit": 1000}, 400, "limit"),
    ("/api/v1/codelists/life-event/diff", {"from": 1, "to": 9}, 404, "version"),
])
def test_bad_requests_get_a_problem_naming_the_field(client: TestClient, path: str,
                                                     params: dict[str, object], status: int,
                                                     field: str | None) -> None:
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert r.json()["field"] == field
        assert r.json()["message"]["ru"]


def test_reads_are_conditional(client: TestClient) -> None:
    for path in ("/api/v1/codelists", "/api/v1/codelists/life-event",
                 "/api/v1/codelists/life-event/concepts?view=az",
                 "/api/v1/codelists/life-event/concepts/birth"):
        first = client.get(path)
        etag = first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        other = client.get(path + ("&" if "?" in path else "?") + "lang=en",
                           headers={"If-None-Match": etag})
        assert other.status_code == 200, path  # another question, another ETag


# --- the diff as a page ------------------------------------------------------------------------
def test_the_versions_of_a_code_list_page_link_to_the_page_of_their_changes(
        client: TestClient) -> None:
    page = client.get("/codelists/life-event", params={"lang": "en"})
    assert page.status_code == 200
    assert 'href="/codelists/life-event/diff/1/2?lang=en"' in page.text
    assert "/api/v1/codelists/life-event/diff" not in page.text  # the page, not the JSON


@pytest.mark.parametrize(("lang", "heading", "added", "relabelled"), [
    ("ro", "Modificări între versiunile 1 și 2", "Adăugate (1)", "Redenumite (1)"),
    ("en", "Changes between versions 1 and 2", "Added (1)", "Relabelled (1)"),
    ("ru", "Изменения между версиями 1 и 2", "Добавлены (1)", "Переименованы (1)"),
])
def test_the_diff_page_shows_each_kind_of_change_in_the_readers_language(
        client: TestClient, lang: str, heading: str, added: str, relabelled: str) -> None:
    r = client.get("/codelists/life-event/diff/1/2", params={"lang": lang})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-language"] == lang
    assert f'<h1 id="title">{heading}</h1>' in r.text
    assert f"{added}</h2>" in r.text
    assert f"{relabelled}</h2>" in r.text
    section = {name: r.text.split(f'<section id="{name}">', 1)[1].split("</section>", 1)[0]
               for name in ("added", "removed", "deprecated", "relabelled")}
    # an added concept links to its page in the newer version, a removed one in the older
    assert f'href="/codelists/life-event/adoption?lang={lang}&amp;version=2"' \
        in section["added"]
    assert f'href="/codelists/life-event/military-service?lang={lang}&amp;version=1"' \
        in section["removed"]
    assert "/codelists/life-event/divorce?" in section["deprecated"]
    assert "/codelists/life-event/marriage?" in section["deprecated"]  # what replaces it
    assert "<del>Căsătoria</del>" in section["relabelled"]
    assert "<ins>Încheierea căsătoriei</ins>" in section["relabelled"]
    assert "Naşterea" not in r.text
    assert "Nașterea" not in r.text
    assert 'id="moved"' not in r.text
    assert 'id="no-changes"' not in r.text
    assert "<script" not in r.text
    assert '/api/v1/codelists/life-event/diff?from=1&amp;to=2' in r.text  # the JSON, named


def test_the_diff_page_of_a_version_with_itself_says_nothing_changed(
        client: TestClient) -> None:
    r = client.get("/codelists/life-event/diff/2/2", params={"lang": "en"})
    assert r.status_code == 200
    assert '<p id="no-changes">No change between these versions.</p>' in r.text
    assert '<section id="added">' not in r.text


@pytest.mark.parametrize(("path", "status", "field"), [
    ("/codelists/life-event/diff/1/9", 404, "version"),
    ("/codelists/no-such-list/diff/1/2", 404, "scheme"),
    ("/codelists/life-event/diff/0/2", 400, "path.old"),
    ("/codelists/life-event/diff/one/2", 400, "path.old"),
])
def test_a_diff_page_of_versions_that_do_not_exist_is_a_problem(
        client: TestClient, path: str, status: int, field: str) -> None:
    r = client.get(path, params={"lang": "ru"})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field
    assert r.json()["message"]["ru"]
