"""Named SPARQL: the header is a contract, values are bound and never formatted, and the two
stores (pyoxigraph substitutions, a VALUES block over the Protocol) answer alike."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from catalog import queries
from catalog.errors import ConfigurationError, InvalidInput
from catalog.queries import load, names, parse, values_text
from catalog.store import GraphOp, QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from tests.catalog.test_store_contract import canon
from tests.conftest import serve_oxigraph
from tests.factories import BASE

ROOT = Path(__file__).parents[2]
CPSV, CV, DCT = "http://purl.org/vocab/cpsv#", "http://data.europa.eu/m8g/", "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
HEAD = "#+ summary: s\n#+ returns: ?x\n"
LIFE = BASE + "codelist/life-event/"
ORG = BASE + "id/org/"
#: where national passports' IRIs live (the ?family of the service lists and counts)
FAMILY = BASE + "id/service/"
#: another country's service (a harvested-service keeps its catalogue's IRI): same class,
#: authority, event and place as national ones, never in a national list or count
HARVESTED = "http://www.provincia.tn.it/p_TN_1121"


# --- the loader --------------------------------------------------------------------------
def test_every_shipped_query_loads_and_parses() -> None:
    empty = ox.Store()
    for name in names():
        q = load(name)
        assert q.summary, name
        assert q.returns, name
        # pyoxigraph parses it (an empty store answers nothing)
        assert isinstance(empty.query(q.text), ox.QuerySolutions)


@pytest.mark.parametrize(("text", "problem"), [
    ("#+ params: none\n#+ returns: ?x\nSELECT ?x {}", "lacks `#+ summary:`"),
    ("#+ summary: s\n#+ returns: ?x\nSELECT ?x {}", "lacks `#+ params:`"),
    (HEAD + "#+ params: ?x (IRI of a thing)\nSELECT ?x { ?x ?p ?o }", "is not `?name (type)`"),
    (HEAD + "#+ params: ?x (uri)\nSELECT ?x { ?x ?p ?o }", "is not `?name (type)`"),
    (HEAD + "#+ params: ?x\nSELECT ?x { ?x ?p ?o }", "is not `?name (type)`"),
    (HEAD + "#+ params: ?y (iri)\nSELECT ?x { ?x ?p ?o }", "?y is declared but the text"),
    # a parameter named only in a comment, a string or an IRI is not used
    (HEAD + "#+ params: ?y (iri)\nSELECT ?x { ?x ?p \"?y\" # ?y\n}", "?y is declared but"),
    (HEAD + "#+ params: ?y (iri)\nSELECT ?x { ?x ?p ?y }", "must be in the SELECT projection"),
    (HEAD + "#+ params: ?y (iri)\nSELECT ?x ?y { ?x ?p ?o FILTER (!BOUND(?y)) }",
     "BOUND(?y) does not see"),
    (HEAD + "#+ params: none\nSELECT ?x {\n  #VALUES\n  ?x ?p ?o }", "marker is left"),
    (HEAD + "#+ params: none\nSELECT ?x { ?x ?p ?o #FILTERS\n}", "marker is left"),
    (HEAD + "#+ params: none\nSELECT ?x { ?x ?p {iri} }", "marker is left in the text: '{iri}'"),
    (HEAD + "#+ params: none\nSELECT ?x { ?x ?p %s }", "marker is left in the text: '%s'"),
])
def test_the_loader_refuses_a_bad_header_or_text(text: str, problem: str) -> None:
    with pytest.raises(ConfigurationError) as err:
        parse("bad", text)
    assert problem in str(err.value)
    assert str(err.value).startswith("named query bad.rq: ")


def test_the_header_gives_typed_parameters_and_continuation_lines() -> None:
    q = parse("ok", "#+ summary: Some\n#+   thing.\n#+ params: ?a (iri), $b (string),\n"
                    "#+   ?c (integer)\n#+ returns: ?a\n"
                    "SELECT ?a ?b ?c { ?a ?p ?b FILTER (?c > 1 && CONTAINS(\"{x} %s\", ?b)) }")
    assert (q.summary, dict(q.params)) == ("Some thing.",
                                           {"a": "iri", "b": "string", "c": "integer"})
    assert parse("none", HEAD + "#+ params: none\nSELECT ?x { ?x ?p ?o }").params == {}


# --- binding -----------------------------------------------------------------------------
Q = parse("q", HEAD + "#+ params: ?iri (iri), ?text (string), ?n (integer)\n"
               "SELECT ?iri ?text ?n ?x { ?x ?iri ?text FILTER (?n > 0) }")


@pytest.mark.parametrize(("values", "field", "expected"), [
    ({"nope": "x"}, "nope", "one of: ?iri (iri), ?text (string), ?n (integer)"),
    ({"iri": "http://a b"}, "iri", "an absolute IRI (str)"),
    ({"iri": "http://x/> } UNION { ?s ?p ?o"}, "iri", "an absolute IRI (str)"),
    ({"iri": "no-scheme"}, "iri", "an absolute IRI (str)"),
    ({"iri": 3}, "iri", "an absolute IRI (str)"),
    ({"n": True}, "n", "an integer (int, not bool)"),
    ({"n": "3"}, "n", "an integer (int, not bool)"),
    ({"n": 3.0}, "n", "an integer (int, not bool)"),
    ({"text": 3}, "text", "a string (str)"),
    ({"text": b"x"}, "text", "a string (str)"),
])
def test_bind_refuses_unknown_names_and_mistyped_values(values: dict[str, Any], field: str,
                                                        expected: str) -> None:
    with pytest.raises(InvalidInput) as err:
        Q.bind(**values)
    assert (err.value.field, err.value.expected) == (field, expected)
    assert f"?{field}" in err.value.message
    assert "query q" in err.value.message


def test_bind_makes_terms_and_leaves_the_rest_free() -> None:
    b = Q.bind(iri="urn:x", text="t", n=3)
    assert b.substitutions() == {
        ox.Variable("iri"): ox.NamedNode("urn:x"), ox.Variable("text"): ox.Literal("t"),
        ox.Variable("n"): ox.Literal("3", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))}
    assert Q.bind(iri=None, n=0).bindings == {"n": ox.Literal("0", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))}
    assert Q.bind().bindings == {}


def test_values_go_at_the_start_of_the_top_level_where_group() -> None:
    text = values_text(Q.bind(text='a "quoted" } value', n=2))
    assert text == Q.text.replace(
        "{ ?x ?iri", '{\n  VALUES (?text ?n) { ("a \\"quoted\\" } value" '
        '"2"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?x ?iri')
    assert values_text(Q.bind()) == Q.text
    # a CONSTRUCT's template is not its WHERE group; braces in IRIs and strings do not count
    construct = queries.NamedQuery("c", "PREFIX ex: <http://ex/>\n# a { in a comment\n"
                                        "CONSTRUCT { ?s ex:p \"{\" }\nWHERE { ?s ?p ?o }", "s",
                                   {"o": "iri"})
    assert values_text(queries.BoundQuery(construct, {"o": ox.NamedNode("urn:o")})).endswith(
        "WHERE {\n  VALUES (?o) { (<urn:o>) } ?s ?p ?o }")


# --- no query text built by formatting in catalog/ and api/ --------------------------------
def _python_files() -> Iterator[Path]:
    for top in ("catalog", "api"):
        yield from (ROOT / top).rglob("*.py")


#: a query form, then a group holding a variable; or a template marker
_SPARQL = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b[^{;]*\{[^}]*[?$][A-Za-z_]|#VALUES"
                     r"|#FILTERS")


def test_no_sparql_query_text_is_written_in_python() -> None:
    """Queries live in .rq files (the /sparql page's examples too, in api/pages/examples/);
    the only SPARQL in Python is the projector's Update (data)."""
    allowed = {"catalog/store/__init__.py": "update_text"}
    found = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    id(node) not in docstrings and _SPARQL.search(node.value) and \
                    rel not in allowed:
                found.append(f"{rel}:{node.lineno}")
    assert found == []


# --- both stores --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def oxigraph_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_oxigraph(tmp_path_factory.mktemp("oxi") / "oxi")


def _service(code: str, authority: str, *, events: tuple[str, ...] = (),
             place: str | None = None, title: str = "Titlu", iri: str | None = None) -> GraphOp:
    iri = iri or BASE + "id/service/" + code
    lines = [f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CPSV}PublicService>",
             f'<{iri}> <{DCT}identifier> "{code}"',
             f"<{iri}> <{CV}hasCompetentAuthority> <{authority}>",
             f"<{iri}> <{DCT}title> {ox.Literal(title, language='ro')}"]
    lines += [f"<{iri}> <{CV}isGroupedBy> <{e}>" for e in events]
    if place:
        lines += [f"<{iri}> <{CV}hasChannel> <{iri}/channel/1>",
                  f"<{iri}/channel/1> <{DCT}spatial> <{place}>"]
    return GraphOp(iri, canon(*lines))


DATA = [
    _service("ASP-0001", ORG + "asp", events=(LIFE + "birth", LIFE + "marriage")),
    _service("ASP-0002", ORG + "asp", events=(LIFE + "birth",), place=BASE + "id/location/x"),
    _service("CNAS-0001", ORG + "cnas", events=(LIFE + "death",), title='Taxă "} UNION {'),
    _service("CNAS-0002", ORG + "cnas"),
    _service(HARVESTED, ORG + "asp", events=(LIFE + "birth",), place=BASE + "id/location/x",
             iri=HARVESTED),
    GraphOp(BASE + "codelist/life-event", canon(
        f"<{LIFE}birth> <{SKOS}inScheme> <{BASE}codelist/life-event>",
        f'<{LIFE}birth> <{SKOS}notation> "birth"')),
]

#: (query, bindings) run on both stores: every parameter bound, and left out
CASES: list[tuple[str, dict[str, Any]]] = [
    ("service_list", {}), ("service_list", {"after": "ASP-0001"}),
    ("service_list", {"authority": ORG + "cnas", "after": "CNAS-0001"}),
    ("service_count", {}), ("service_count", {"authority": ORG + "asp"}),
    ("service_list_filtered", {}), ("service_list_filtered", {"after": "ASP-0001"}),
    ("service_list_filtered", {"authority": ORG + "cnas"}),
    ("service_list_filtered", {"life_event": LIFE + "birth"}),
    ("service_list_filtered", {"life_event": LIFE + "birth",
                               "location": BASE + "id/location/x"}),
    ("service_list_filtered", {"authority": ORG + "asp", "life_event": LIFE + "death"}),
    ("service_list_filtered", {"business_event": LIFE + "birth", "channel_type": ORG + "x",
                               "thematic_area": ORG + "y", "language": ORG + "z"}),
    ("service_count_filtered", {}), ("service_count_filtered", {"life_event": LIFE + "birth"}),
    ("service_count_filtered", {"authority": ORG + "asp", "life_event": LIFE + "marriage"}),
    ("service_count_filtered", {"location": LIFE + "nowhere"}),
    ("service_count_filtered", {"business_event": LIFE + "birth", "channel_type": ORG + "x",
                                "thematic_area": ORG + "y", "language": ORG + "z"}),
    ("service_list_grouped", {"grouped_by": LIFE + "birth"}),
    ("service_list_grouped", {"grouped_by": LIFE + "birth", "after": "ASP-0001",
                              "location": BASE + "id/location/x", "authority": ORG + "asp"}),
    ("service_list_grouped", {"grouped_by": LIFE + "birth", "life_event": LIFE + "marriage",
                              "business_event": LIFE + "birth", "channel_type": ORG + "x",
                              "thematic_area": ORG + "y", "language": ORG + "z"}),
    ("service_list_grouped", {}),
    ("service_count_grouped", {"grouped_by": LIFE + "birth"}),
    ("service_count_grouped", {"grouped_by": LIFE + "birth", "life_event": LIFE + "marriage",
                               "business_event": LIFE + "birth", "channel_type": ORG + "x",
                               "thematic_area": ORG + "y", "language": ORG + "z",
                               "location": BASE + "id/location/x", "authority": ORG + "asp"}),
    ("service_count_grouped", {}),
    ("concepts", {"scheme": BASE + "codelist/life-event"}), ("concepts", {}),
    ("organisations", {"org": ORG + "asp"}), ("organisations", {}),
    ("locations", {"location": BASE + "id/location/x"}), ("locations", {}),
    ("location_services", {"location": BASE + "id/location/x"}), ("location_services", {}),
    ("location_service_titles", {"location": BASE + "id/location/x"}),
    ("location_service_titles", {}),
    ("graph_of", {"s": LIFE + "birth"}), ("graph_of", {"s": BASE + "id/nothing"}),
    ("services_linking", {"target": LIFE + "birth"}), ("services_linking", {}),
    ("data_services_of_asset", {"asset": BASE + "id/asset/x"}), ("data_services_of_asset", {}),
    ("services", {}), ("record_graphs", {}), ("triple_count", {}),
    # the national family bound: the harvested service is left out of every list and count
    ("service_list", {"family": FAMILY}), ("service_count", {"family": FAMILY}),
    ("service_list_filtered", {"family": FAMILY, "life_event": LIFE + "birth"}),
    ("service_count_filtered", {"family": FAMILY, "location": BASE + "id/location/x"}),
    ("service_list_grouped", {"family": FAMILY, "grouped_by": LIFE + "birth"}),
    ("service_count_grouped", {"family": FAMILY, "grouped_by": LIFE + "birth"}),
    ("services", {"family": FAMILY}), ("location_services", {"family": FAMILY}),
    ("location_service_titles", {"family": FAMILY}),
    ("services_linking", {"family": FAMILY, "target": LIFE + "birth"}),
    ("organisations", {"family": FAMILY}), ("concepts", {"family": FAMILY}),
    ("watermark", {"meta": "urn:semcat:meta", "subject": "urn:semcat:projection",
                   "predicate": "https://w3id.org/semcat/ns#watermark"}),
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, oxigraph_base: str
           ) -> Iterator[tuple[QuadStore, QuadStore]]:
    embedded = EmbeddedStore(tmp_path_factory.mktemp("embedded") / "store")
    remote = RemoteStore(oxigraph_base + "/query", oxigraph_base + "/update",
                         oxigraph_base + "/store")
    for s in (embedded, remote):
        s.apply(DATA, 7)
    yield embedded, remote
    embedded.close()
    remote.close()


def _answer(store: QuadStore, name: str, values: dict[str, Any]) -> list[dict[str, str]]:
    rows = store.run(load(name).bind(**values))
    return sorted(({k: str(v) for k, v in r.items() if not isinstance(v, ox.BlankNode)}
                   for r in rows), key=repr)


@pytest.mark.parametrize(("name", "values"), CASES,
                         ids=[f"{n}-{'-'.join(v) or 'free'}" for n, v in CASES])
def test_both_stores_answer_a_bound_query_alike(stores: tuple[QuadStore, QuadStore],
                                               name: str, values: dict[str, Any]) -> None:
    embedded, remote = stores
    assert _answer(embedded, name, values) == _answer(remote, name, values)


def test_every_shipped_query_is_in_the_equivalence_cases() -> None:
    assert {n for n, _ in CASES} == set(names())
    for name in names():  # and each parameter is bound in at least one case
        assert set(load(name).params) <= {k for n, v in CASES if n == name for k in v}, name


@pytest.mark.parametrize("name", ["service_list", "service_list_filtered"])
def test_the_filters_filter_on_both_stores(stores: tuple[QuadStore, QuadStore],
                                           name: str) -> None:
    for store in stores:
        def codes(**values: Any) -> list[str]:
            # service_list has no facets but the authority: the others go to the filtered one
            plain = name == "service_list" and not set(values) - {"after", "authority"}
            q = load("service_list" if plain else "service_list_filtered")
            values.setdefault("family", FAMILY)
            return [r["code"].value for r in store.run(q.bind(**values))]  # noqa: B023
        assert codes() == ["ASP-0001", "ASP-0002", "CNAS-0001", "CNAS-0002"]
        assert codes(family=None) == ["ASP-0001", "ASP-0002", "CNAS-0001", "CNAS-0002",
                                      HARVESTED]
        assert codes(after="ASP-0002") == ["CNAS-0001", "CNAS-0002"]
        assert codes(authority=ORG + "cnas") == ["CNAS-0001", "CNAS-0002"]
        assert codes(life_event=LIFE + "birth") == ["ASP-0001", "ASP-0002"]
        assert codes(life_event=LIFE + "birth", location=BASE + "id/location/x") == ["ASP-0002"]
        assert codes(authority=ORG + "asp", life_event=LIFE + "death") == []
        assert store.run(load(name).bind(family=FAMILY), max_rows=3)[-1]["code"].value == \
            "CNAS-0001"


# a value that would change the query if it were spliced into the text
INJECTIONS = [
    'ASP-0001") || true || ("', "ASP\" } UNION { ?service ?p ?o } #",
    "\\u0022) } UNION { ?s ?p ?o } #", "'''\"\"\" } } } SELECT * { ?s ?p ?o",
    "x\n} LIMIT 1 #", "ASP-0001\\\" . ?a ?b ?c",
]


@pytest.mark.parametrize("name", ["service_list", "service_list_filtered"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_a_value_with_sparql_syntax_cannot_change_the_query(
        stores: tuple[QuadStore, QuadStore], value: str, name: str) -> None:
    """A string value is compared as a string on both stores: the cursor after it gives the
    codes that sort after it, never more and never an error."""
    expected = sorted(op.iri.rsplit("/", 1)[1] for op in DATA if "/id/service/" in op.iri)
    expected = [c for c in expected if c > value]
    for store in stores:
        rows = store.run(load(name).bind(after=value, family=FAMILY))
        assert [r["code"].value for r in rows] == expected
        assert {r["after"] for r in rows} <= {ox.Literal(value)}


def test_the_national_family_leaves_another_countrys_services_out_of_every_count(
        stores: tuple[QuadStore, QuadStore]) -> None:
    """A harvested service has the national class, an authority, an event and a place: bound
    to the national family, no list or count of services sees it (left unbound, all do)."""
    for store in stores:
        def run(name: str, **values: Any) -> list[dict[str, Any]]:
            return store.run(load(name).bind(**values))  # noqa: B023

        assert HARVESTED in {r["service"].value for r in run("services")}
        assert HARVESTED not in {r["service"].value for r in run("services", family=FAMILY)}
        assert sum(int(r["n"].value) for r in run("service_count", family=FAMILY)) == 4
        assert sum(int(r["n"].value) for r in run("service_count")) == 5
        birth = {r["concept"].value: int(r["services"].value)
                 for r in run("concepts", family=FAMILY)}
        assert birth == {LIFE + "birth": 2}
        assert {int(r["services"].value) for r in run("concepts")} == {3}
        assert {r["code"].value for r in run("service_list_grouped", family=FAMILY,
                                             grouped_by=LIFE + "birth")} == \
            {"ASP-0001", "ASP-0002"}
        assert {r["code"].value for r in run("location_services", family=FAMILY)} == \
            {"ASP-0002"}
        assert HARVESTED not in {r["service"].value
                                 for r in run("location_service_titles", family=FAMILY)}
        assert {r["code"].value for r in run("services_linking", family=FAMILY,
                                             target=LIFE + "birth")} == {"ASP-0001", "ASP-0002"}
