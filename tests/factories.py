"""Small self-contained records for the ledger, store, projector and crash tests.

Nothing here reads ``vocabularies/`` or ``shapes/``: the records are built from scratch and the
tests validate them against :data:`PERMISSIVE_SHAPES` (a service needs an identifier and a
title), so they keep working while the profile's shapes and reference data change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, text

from catalog import rdfio
from catalog.ledger import Ledger, NewVersion
from catalog.store import QuadStore

#: The default ``SEMCAT_BASE_URI``: relative IRIs of the Turtle below resolve against it.
BASE = "http://127.0.0.1:8000/"
ASP_IRI = BASE + "id/org/asp"

PREFIXES = """\
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sc: <https://w3id.org/semcat/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

PERMISSIVE_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix t: <https://w3id.org/semcat/test-shapes#> .

t:ServiceShape a sh:NodeShape ;
    sh:targetClass cpsv:PublicService ;
    sh:property [
        sh:path dct:identifier ;
        sh:minCount 1 ;
        sh:message "A public service needs an identifier"@en,
                   "Un serviciu public are nevoie de un identificator"@ro
    ] , [
        sh:path dct:title ;
        sh:minCount 1 ;
        sh:message "A public service needs a title"@en,
                   "Un serviciu public are nevoie de un titlu"@ro
    ] .
"""


#: A shape for the reference kinds that checks nothing (each kind needs shapes of its own).
PERMISSIVE_REFERENCE_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix t: <https://w3id.org/semcat/test-shapes#> .

t:OrganisationShape a sh:NodeShape ; sh:targetClass cv:PublicOrganisation .
"""


def write_permissive_shapes(folder: Path) -> Path:
    """A shapes folder holding only :data:`PERMISSIVE_SHAPES` (as the services' shapes file)
    and a shape that checks nothing for the reference kinds; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "passport.ttl").write_text(PERMISSIVE_SHAPES, "utf-8")
    (folder / "reference.ttl").write_text(PERMISSIVE_REFERENCE_SHAPES, "utf-8")
    (folder / "asset.ttl").write_text(PERMISSIVE_REFERENCE_SHAPES, "utf-8")  # assets, services
    return folder


def turtle_string(value: str) -> str:
    """``value`` as a Turtle string literal (quotes, backslashes, line breaks escaped)."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def service_iri(code: str) -> str:
    return f"{BASE}id/service/{code}"


def service_ttl(code: str = "ASP-0001", title_ro: str | None = "Serviciu de test",
                authority_iri: str = "id/org/asp", *, description_ro: str | None = None,
                cost: str | None = "12.50", prefixes: bool = True) -> str:
    """A minimal ``cpsv:PublicService`` with relative IRIs (``<id/service/CODE>``).

    ``title_ro=None`` leaves the title out: the record then breaks :data:`PERMISSIVE_SHAPES`.
    ``cost`` adds a blank-node ``cv:Cost`` with a decimal value (blank nodes and a typed
    literal whose stored lexical form differs from the written one); ``None`` leaves it out.
    """
    lines = [f"<id/service/{code}> a cpsv:PublicService",
             f"    dct:identifier {turtle_string(code)}"]
    if title_ro is not None:
        lines.append(f"    dct:title {turtle_string(title_ro)}@ro, "
                     f"{turtle_string('Test service ' + code)}@en")
    if description_ro is not None:
        lines.append(f"    dct:description {turtle_string(description_ro)}@ro")
    lines.append(f"    cv:hasCompetentAuthority <{authority_iri}>")
    if cost is not None:
        lines.append(f'    cv:hasCost [ a cv:Cost ; cv:value "{cost}"^^xsd:decimal ; '
                     f'dct:description "Taxă de stat"@ro ]')
    body = " ;\n".join(lines) + " .\n"
    return (PREFIXES if prefixes else "") + body


def org_ttl(code: str = "ASP", name_ro: str = "Agenția Servicii Publice",
            iri: str = "id/org/asp", *, prefixes: bool = True) -> str:
    body = (f"<{iri}> a cv:PublicOrganisation ;\n"
            f"    sc:institutionCode {turtle_string(code)} ;\n"
            f"    skos:prefLabel {turtle_string(name_ro)}@ro .\n")
    return (PREFIXES if prefixes else "") + body


def document(*parts: str) -> bytes:
    """Several Turtle snippets (from the builders above) as one Turtle document."""
    body = "".join(p.removeprefix(PREFIXES) for p in parts)
    return (PREFIXES + body).encode("utf-8")


def services_document(codes: Iterable[str], *, with_org: bool = True) -> bytes:
    parts = [org_ttl()] if with_org else []
    parts += [service_ttl(c, f"Serviciul {c}") for c in codes]
    return document(*parts)


def new_version(iri: str, content: str, *, kind: str = "service", code: str | None = None,
                author: str = "test", publish: bool = True) -> NewVersion:
    """A ledger input for ``content`` (canonical N-Triples) with its true hash."""
    return NewVersion(iri=iri, kind=kind, code=code or iri.rsplit("/", 1)[-1],
                      institution_code=None, content=content,
                      content_hash=rdfio.content_hash(content),
                      triple_count=content.count("\n"), author=author, publish=publish)


def nt_title(iri: str, title: str) -> str:
    """Canonical N-Triples of a one-triple record: ``<iri> dct:title "title"@ro``."""
    return f'<{iri}> <http://purl.org/dc/terms/title> {turtle_string(title)}@ro .\n'


def sha256(text_value: str) -> str:
    return hashlib.sha256(text_value.encode("utf-8")).hexdigest()


# --- checks --------------------------------------------------------------------------------
def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in each ledger table."""
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one())
                for t in ("institution", "record", "version", "change")}


def store_snapshot(store: QuadStore) -> dict[str, str]:
    """Graph name -> canonical N-Triples of every record graph in the store."""
    return {g: rdfio.canonical_ntriples(store.graph(g)) for g in sorted(store.graph_names())}


def assert_store_matches_ledger(ledger: Ledger, store: QuadStore) -> None:
    """The store holds exactly the ledger's published records, triple for triple, and its
    watermark is the ledger's last change."""
    published = ledger.published()
    names, wanted = store.graph_names(), set(published)
    assert names == wanted, (f"the store lacks {sorted(wanted - names)} and has "
                             f"{sorted(names - wanted)} that the ledger does not publish")
    for iri, content in published.items():
        got = rdfio.canonical_ntriples(store.graph(iri))
        assert got == content, f"graph {iri} differs:\n{got}\n!=\n{content}"
    mark, seq = store.watermark(), ledger.last_seq()
    assert mark == seq, f"store watermark {mark} != ledger last change {seq}"
