"""Query answers written in the formats the SPARQL 1.1 Protocol serves, with row and byte caps.

Tabular answers (SELECT, ASK): SPARQL 1.1 Query Results JSON and XML, CSV and TSV
(https://www.w3.org/TR/sparql11-results-json/, https://www.w3.org/TR/rdf-sparql-XMLres/,
https://www.w3.org/TR/sparql11-results-csv-tsv/). Graph answers (CONSTRUCT, DESCRIBE): Turtle,
JSON-LD, N-Triples and RDF/XML. JSON-LD is written expanded here (where the query runs, under its
deadline); :func:`compacted` then compacts a ``jsonld`` answer with the CPSV-AP 3.2.0 context
(:func:`catalog.rdfio.compact_jsonld`, the context inline: SPARQLWrapper reads JSON-LD through
rdflib, which would fetch a context named by URL) outside the deadline, up to
:data:`catalog.rdfio.COMPACT_MAX_TRIPLES` triples (``jsonld-expanded``, the JSON-LD 1.1
``expanded`` profile, stays expanded).

An answer that stops at a cap is still a complete document, and says why it stopped
(:attr:`Written.truncated`): the caller must pass that on, never drop it.

The writers take pyoxigraph terms: the query workers call them on live results, the remote path
on results parsed from the server's answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from catalog import rdfio
from catalog.errors import QueryRejected
from catalog.namespaces import PREFIXES, XSD

Truncation = Literal["rows", "bytes"] | None
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_STRING = XSD + "string"


@dataclass(frozen=True)
class ResultFormat:
    """One serialisation: its short name (the ``format=`` value), media type and kind."""

    name: str
    media_type: str
    graph: bool


TABULAR: dict[str, ResultFormat] = {f.name: f for f in (
    ResultFormat("json", "application/sparql-results+json", False),
    ResultFormat("xml", "application/sparql-results+xml", False),
    ResultFormat("csv", "text/csv", False),
    ResultFormat("tsv", "text/tab-separated-values", False),
)}
GRAPH: dict[str, ResultFormat] = {f.name: f for f in (
    ResultFormat("turtle", "text/turtle", True),
    ResultFormat("jsonld", "application/ld+json", True),
    ResultFormat("ntriples", "application/n-triples", True),
    ResultFormat("rdfxml", "application/rdf+xml", True),
)}
#: JSON-LD in the expanded form (no ``@context``): for clients that cannot read a context
EXPANDED_JSONLD = ResultFormat("jsonld-expanded", "application/ld+json", True)
FORMATS: dict[str, ResultFormat] = {**TABULAR, **GRAPH, EXPANDED_JSONLD.name: EXPANDED_JSONLD}
DEFAULT_TABULAR = TABULAR["json"]
DEFAULT_GRAPH = GRAPH["turtle"]

_OX_GRAPH = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
             "jsonld-expanded": ox.RdfFormat.JSON_LD,
             "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
_WITH_PREFIXES = {"turtle", "rdfxml"}


@dataclass(frozen=True)
class Limits:
    """Most rows (solutions or triples) and most bytes one answer may hold, and the largest
    OFFSET a query may ask for."""

    rows: int
    bytes: int
    offset: int = 100_000


@dataclass(frozen=True)
class Written:
    """A complete document; ``truncated`` says which cap stopped it, if one did."""

    body: bytes
    media_type: str
    rows: int
    truncated: Truncation


def fitting(fmt: ResultFormat, graph: bool) -> ResultFormat:
    """``fmt`` when it suits the answer's kind, else that kind's default."""
    if fmt.graph == graph:
        return fmt
    return DEFAULT_GRAPH if graph else DEFAULT_TABULAR


# --- terms --------------------------------------------------------------------------------
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json_term(t: _Term) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != _XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(t.subject),
                                        "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _xml_term(t: _Term) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>"
            f"{_xml_term(t.predicate)}</predicate><object>{_xml_term(t.object)}</object></triple>")


def _csv_field(t: _Term | None) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        text = f"_:{t.value}"
    elif isinstance(t, (ox.NamedNode, ox.Literal)):
        text = t.value
    else:
        text = str(t)
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_field(t: _Term | None) -> str:
    return "" if t is None else str(t)  # N-Triples form: tabs and newlines are escaped


# --- tabular ------------------------------------------------------------------------------
def write_boolean(value: bool, fmt: ResultFormat) -> Written:
    """An ASK answer. CSV and TSV (which the standard defines for SELECT only) get one column
    ``_askResult``, as Apache Jena writes it."""
    word = "true" if value else "false"
    fmt = fitting(fmt, graph=False)
    if fmt.name == "json":
        body = _dumps({"head": {}, "boolean": value})
    elif fmt.name == "xml":
        body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n")
    elif fmt.name == "csv":
        body = f"_askResult\r\n{word}\r\n"
    else:
        body = f"?_askResult\n{word}\n"
    return Written(body.encode(), fmt.media_type, 1, None)


def write_solutions(variables: Sequence[str], solutions: Iterable[Sequence[_Term | None]],
                    fmt: ResultFormat, limits: Limits) -> Written:
    """A SELECT answer; each solution is a sequence of terms (None when unbound) in the order
    of ``variables``. Stops before the row or byte cap, at a solution boundary."""
    fmt = fitting(fmt, graph=False)
    names = list(variables)
    if fmt.name == "json":
        head = '{"head":{"vars":' + _dumps(names) + '},"results":{"bindings":['
        tail, sep = "]}}", ","

        def row(sol: Sequence[_Term | None]) -> str:
            return _dumps({n: _json_term(t) for n, t in zip(names, sol, strict=True)
                           if t is not None})
    elif fmt.name == "xml":
        head = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                "<head>" + "".join(f"<variable name={quoteattr(n)}/>" for n in names)
                + "</head><results>")
        tail, sep = "</results></sparql>\n", ""

        def row(sol: Sequence[_Term | None]) -> str:
            return "<result>" + "".join(
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, sol, strict=True) if t is not None) + "</result>"
    elif fmt.name == "csv":
        head, tail, sep = ",".join(names) + "\r\n", "", ""

        def row(sol: Sequence[_Term | None]) -> str:
            return ",".join(_csv_field(t) for t in sol) + "\r\n"
    else:
        head, tail, sep = "\t".join(f"?{n}" for n in names) + "\n", "", ""

        def row(sol: Sequence[_Term | None]) -> str:
            return "\t".join(_tsv_field(t) for t in sol) + "\n"

    parts = [head]
    size = len(head) + len(tail)
    count = 0
    truncated: Truncation = None
    for sol in solutions:
        if count >= limits.rows:
            truncated = "rows"
            break
        text = row(sol)
        piece = len(text) + (len(sep) if count else 0)
        if size + piece > limits.bytes:
            truncated = "bytes"
            break
        if count and sep:
            parts.append(sep)
        parts.append(text)
        size += piece
        count += 1
    parts.append(tail)
    return Written("".join(parts).encode(), fmt.media_type, count, truncated)


# --- graphs -------------------------------------------------------------------------------
def _used_prefixes(triples: Sequence[ox.Triple]) -> dict[str, str]:
    """The prefixes of :data:`PREFIXES` whose namespace the triples' IRIs use."""
    spaces = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iri = term.value
                spaces.add(iri[:max(iri.rfind("#"), iri.rfind("/")) + 1])
    return {p: ns for p, ns in PREFIXES.items() if ns in spaces}


def write_triples(triples: Iterable[ox.Triple], fmt: ResultFormat, limits: Limits) -> Written:
    """A CONSTRUCT or DESCRIBE answer. The byte cap counts the triples' N-Triples size."""
    fmt = fitting(fmt, graph=True)
    kept: list[ox.Triple] = []
    size = 0
    truncated: Truncation = None
    for t in triples:
        if len(kept) >= limits.rows:
            truncated = "rows"
            break
        size += len(str(t)) + 3
        if size > limits.bytes:
            truncated = "bytes"
            break
        kept.append(t)
    prefixes = _used_prefixes(kept) if fmt.name in _WITH_PREFIXES else None
    try:
        body = ox.serialize(kept, format=_OX_GRAPH[fmt.name], prefixes=prefixes) or b""
    except (ValueError, OSError) as exc:  # RDF/XML cannot write every predicate IRI
        raise QueryRejected.of(
            "sparql.unwritable", field="Accept", value=fmt.media_type,
            expected="text/turtle or application/n-triples", media_type=fmt.media_type,
            reason=exc) from exc
    return Written(body, fmt.media_type, len(kept), truncated)


def compacted(body: bytes, rows: int) -> bytes | None:
    """An expanded JSON-LD answer of ``rows`` triples compacted with the CPSV-AP 3.2.0 context
    (inline);
    None when it stays expanded (too many triples to compact, or RDF-star triples)."""
    if rows > rdfio.COMPACT_MAX_TRIPLES:
        return None
    triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)]
    if any(isinstance(term, ox.Triple) for t in triples for term in (t.subject, t.object)):
        return None
    return rdfio.compact_jsonld(triples, inline=True)


def write_result(result: Any, fmt: ResultFormat, limits: Limits) -> Written:
    """Whatever a pyoxigraph query (or a parsed server answer) returned, written in ``fmt``."""
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(bool(result), fmt)
    if isinstance(result, ox.QuerySolutions):
        return write_solutions([v.value for v in result.variables], result, fmt, limits)
    return write_triples(result, fmt, limits)


__all__ = ["DEFAULT_GRAPH", "DEFAULT_TABULAR", "EXPANDED_JSONLD", "FORMATS", "GRAPH", "TABULAR",
           "Limits", "ResultFormat", "Truncation", "Written", "compacted", "fitting",
           "write_boolean", "write_result", "write_solutions", "write_triples"]
