"""Reading and writing RDF: the formats table, gated parsing, canonical form and content hash.

Parsing and serialisation use pyoxigraph (Rust, line/column errors). JSON-LD is parsed with no
document loader: the contexts we know are bundled and substituted inline, any other remote or
file context is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from catalog import gates
from catalog.errors import InvalidInput, UnsafeInput
from catalog.namespaces import PREFIXES


@dataclass(frozen=True)
class RdfFormatInfo:
    name: str
    media_type: str
    extensions: tuple[str, ...]
    ox_format: ox.RdfFormat
    datasets: bool


FORMATS: Final[dict[str, RdfFormatInfo]] = {
    f.name: f
    for f in (
        RdfFormatInfo("turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE, False),
        RdfFormatInfo("trig", "application/trig", (".trig",), ox.RdfFormat.TRIG, True),
        RdfFormatInfo("nquads", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS, True),
        RdfFormatInfo("ntriples", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES, False),
        RdfFormatInfo("rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"),
                      ox.RdfFormat.RDF_XML, False),
        RdfFormatInfo("jsonld", "application/ld+json", (".jsonld",), ox.RdfFormat.JSON_LD, True),
    )
}

#: Remote JSON-LD contexts we know, mapped to the bundled copy (no network, ever).
KNOWN_CONTEXTS: Final[dict[str, str]] = {
    "https://semiceu.github.io/uri.semic.eu-generated/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld":
        "cpsv-ap-3.2.0.jsonld",
    "https://semiceu.github.io/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld":
        "cpsv-ap-3.2.0.jsonld",
    "https://w3id.org/semcat/context.jsonld": "semcat.jsonld",
}


def format_for(name_or_path: str) -> RdfFormatInfo:
    """The format for a name (``turtle``), a media type, or a file name's extension."""
    key = name_or_path.lower().split(";")[0].strip()
    if key in FORMATS:
        return FORMATS[key]
    for info in FORMATS.values():
        if key == info.media_type or any(key.endswith(ext) for ext in info.extensions):
            return info
    raise InvalidInput.of("rdf.unknown_format", value=name_or_path,
                          expected=", ".join(sorted(FORMATS)))


@cache
def _context(file_name: str) -> Any:
    text = (Path(__file__).parent / "contexts" / file_name).read_text("utf-8")
    return json.loads(text)["@context"]


def _inline_contexts(node: Any) -> Any:
    """Replace known context URLs by their bundled content; refuse any other reference."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = _resolve_context(value)
            elif key == "@import":
                raise UnsafeInput.of("rdf.jsonld_import", field="@import", value=value)
            else:
                out[key] = _inline_contexts(value)
        return out
    if isinstance(node, list):
        return [_inline_contexts(v) for v in node]
    return node


def _resolve_context(value: Any) -> Any:
    if isinstance(value, list):
        return [_resolve_context(v) for v in value]
    if isinstance(value, str):
        if value in KNOWN_CONTEXTS:
            return _context(KNOWN_CONTEXTS[value])
        raise UnsafeInput.of("rdf.jsonld_context", field="@context", value=value,
                             expected=", ".join(KNOWN_CONTEXTS))
    return _inline_contexts(value)


def load_json(text: str, *, max_nesting: int, what: str = "JSON") -> Any:
    """``json.loads`` behind the nesting gate, with line/column on errors."""
    gates.check_nesting(text, max_nesting, what=what, json=True)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput.of("rdf.malformed", line=exc.lineno, column=exc.colno, what=what,
                              reason=exc.msg) from exc
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        raise InvalidInput.of("rdf.malformed", what=what,
                              reason=str(exc).split(";")[0]) from exc


def parse(
    data: bytes | str,
    fmt: str | RdfFormatInfo,
    *,
    base_iri: str | None,
    max_bytes: int,
    max_nesting: int,
) -> list[ox.Quad]:
    """Parse RDF text into quads, after the size, nesting and DOCTYPE gates."""
    info = fmt if isinstance(fmt, RdfFormatInfo) else format_for(fmt)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    gates.check_size(raw, max_bytes, what="RDF document")
    if info.name == "rdfxml":
        gates.check_no_doctype(raw)
    text = gates.decode_utf8(raw, what="RDF document")
    if info.name == "jsonld":
        doc = _inline_contexts(load_json(text, max_nesting=max_nesting, what="JSON-LD"))
        text = json.dumps(doc)
    elif info.name != "rdfxml":
        gates.check_nesting(text, max_nesting, what="RDF document")
    else:
        gates.check_nesting(text, max_nesting * 4, what="RDF/XML document", json=True)
    try:
        return list(ox.parse(text, format=info.ox_format, base_iri=base_iri))
    except SyntaxError as exc:
        raise InvalidInput.of("rdf.malformed", line=exc.lineno, column=exc.offset,
                              what=info.name, reason=exc.msg) from exc
    except (ValueError, OSError) as exc:
        raise InvalidInput.of("rdf.malformed", what=info.name, reason=exc) from exc


def serialize(
    triples_or_quads: Iterable[ox.Triple] | Iterable[ox.Quad],
    fmt: str | RdfFormatInfo,
    *,
    base_iri: str | None = None,
) -> bytes:
    """``triples_or_quads`` in ``fmt``. JSON-LD of triples is compacted (:func:`compact_jsonld`)
    up to :data:`COMPACT_MAX_TRIPLES`, expanded beyond (compaction costs ~0.5 ms a triple and
    grows faster than the graph: 30 s for the 7,300 triples of the demo catalogue)."""
    info = fmt if isinstance(fmt, RdfFormatInfo) else format_for(fmt)
    items: list[ox.Triple] | list[ox.Quad] = list(triples_or_quads)  # type: ignore[assignment]
    if info.name == "jsonld" and len(items) <= COMPACT_MAX_TRIPLES \
            and all(isinstance(t, ox.Triple) for t in items):
        return compact_jsonld(items)  # type: ignore[arg-type]
    prefixes = None
    if info.name in {"turtle", "trig", "rdfxml"}:
        used: set[str] = set()
        for q in items:
            for t in (q.subject, q.predicate, q.object):
                if isinstance(t, ox.NamedNode):
                    used.add(t.value)
                elif isinstance(t, ox.Literal):
                    used.add(t.datatype.value)
        prefixes = {p: ns for p, ns in PREFIXES.items() if any(u.startswith(ns) for u in used)}
    out = ox.serialize(items, format=info.ox_format, prefixes=prefixes)
    assert out is not None
    return out


#: The largest graph written as compacted JSON-LD (a record is a few hundred triples); a larger
#: one (the union of every record) is written expanded, which needs no context to read.
COMPACT_MAX_TRIPLES: Final = 2000
#: The context JSON-LD answers are compacted with: the official CPSV-AP 3.2.0 context (its
#: bundled copy; clients read the URL, which the hub's own parser maps back to that copy), and
#: the hub's prefixes for the terms it does not define.
CPSV_AP_CONTEXT: Final = ("https://semiceu.github.io/uri.semic.eu-generated/CPSV-AP/releases/"
                          "3.2.0/context/cpsv-ap.jsonld")


def _no_loader(url: str, options: Any = None) -> Any:
    raise UnsafeInput.of("rdf.jsonld_context", field="@context", value=url,
                         expected=", ".join(KNOWN_CONTEXTS))


@cache
def _compaction_context() -> list[Any]:
    official = _context(KNOWN_CONTEXTS[CPSV_AP_CONTEXT])
    return [official, {p: ns for p, ns in PREFIXES.items() if p not in official}]


def compact_jsonld(triples: Iterable[ox.Triple], *, inline: bool = False) -> bytes:
    """JSON-LD compacted with the CPSV-AP 3.2.0 context (one node object per subject, nested
    in ``@graph``); its ``@context`` names the official context by URL, or with ``inline``
    holds that context's content (for clients whose JSON-LD reader would fetch the URL: the
    SPARQL endpoint's answers, read by SPARQLWrapper through rdflib). No context is ever
    fetched here. Reading it back (with that context) gives the same graph."""
    from pyld import jsonld  # imported on first use: pyld loads lxml and friends

    nquads = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    local = _compaction_context()
    expanded = jsonld.from_rdf(nquads.decode("utf-8"), {"format": "application/n-quads"})
    compacted = jsonld.compact(expanded, {"@context": local},
                               {"documentLoader": _no_loader, "graph": True})
    compacted["@context"] = local if inline else [CPSV_AP_CONTEXT, local[1]]
    return json.dumps(compacted, ensure_ascii=False, indent=1).encode("utf-8")


def canonical_ntriples(triples: Iterable[ox.Triple]) -> str:
    """Sorted canonical N-Triples with canonical blank-node labels: equal graphs, equal text.

    Typed literals take the canonical lexical form the quad store keeps (``"250.0"^^xsd:double``
    becomes ``"250"``, ``"0012"^^xsd:integer`` becomes ``"12"``): same value, and the ledger and
    the store then hold the very same triples. Strings are never touched.
    """
    items = [ox.Triple(t.subject, t.predicate, _stored_form(t.object))
             if isinstance(t.object, ox.Literal) and t.object.datatype.value not in _PLAIN
             else t for t in triples]
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
           for t in items):
        ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                        for t in items)
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        items = [q.triple for q in ds]
    lines = sorted({str(t) + " .\n" for t in items})
    return "".join(lines)


_PLAIN = frozenset({"http://www.w3.org/2001/XMLSchema#string",
                    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})
_S, _P = ox.NamedNode("urn:semcat:s"), ox.NamedNode("urn:semcat:p")


@lru_cache(maxsize=16384)
def _stored_form(literal: ox.Literal) -> ox.Literal:
    """The lexical form the quad store keeps for a typed literal (asked of Oxigraph itself)."""
    store = ox.Store()
    store.add(ox.Quad(_S, _P, literal))
    stored = next(iter(store)).object
    assert isinstance(stored, ox.Literal)
    return stored


def content_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_canonical(text: str) -> list[ox.Triple]:
    """Read back a stored version's content (trusted canonical N-Triples)."""
    return [q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
