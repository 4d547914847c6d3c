"""The SPARQL 1.1 Protocol over HTTP: reading a query request, choosing the answer's format,
writing the answer, the errors and the service description.

https://www.w3.org/TR/sparql11-protocol/ (query operation), https://www.w3.org/TR/sparql11-
service-description/. The query itself is answered by :class:`catalog.queries.QueryService`.

- ``GET ?query=``, ``POST`` form-encoded (``query=``) and ``POST application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` (in the URL, or in a form body) set the dataset.
- ``update=`` and ``application/sparql-update`` are refused (403): the endpoint is read-only.
- The answer's format comes from ``format=`` (also ``output=`` / ``results=``, which SPARQLWrapper
  sends) when given, else from ``Accept``; SPARQL JSON and Turtle by default.
- ``GET`` without a query is the service description (a browser asking for HTML gets the
  query form instead); its URLs come from ``SEMCAT_BASE_URI``, never from the ``Host`` header.
- A CONSTRUCT or DESCRIBE from a client that names only results formats in ``Accept`` (rdflib's
  SPARQLStore with ``returnFormat="json"``) is answered in Turtle, not 406.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urljoin

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from api.errors import catalog_error_response
from api.negotiation import NotAcceptable, UnsupportedMediaType, choose
from api.representations import wants_expanded
from catalog import rdfio
from catalog.errors import CatalogError, Forbidden, InvalidInput, QueryRejected, TooLarge
from catalog.namespaces import DCAT, DCT, RDF_TYPE, RDFS, SD, W3C_FORMATS
from catalog.queries.graphs import graph_iri
from catalog.queries.guard import QueryDataset, QueryForm
from catalog.queries.results import EXPANDED_JSONLD, FORMATS, GRAPH, TABULAR
from catalog.store.sandbox import QueryAnswer

PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/#query-operation"
GSP_SPEC = "https://www.w3.org/TR/sparql11-http-rdf-update/"
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_FORMAT_PARAMS = ("format", "output", "results")

#: Media types offered for each kind of answer (canonical first, then common aliases).
_TABULAR_MEDIA = {f.media_type: f.name for f in TABULAR.values()} | {
    "application/json": "json", "application/xml": "xml", "text/xml": "xml",
    "text/plain": "tsv"}
_GRAPH_MEDIA = {f.media_type: f.name for f in GRAPH.values()} | {
    "application/x-turtle": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle",
    "application/json": "jsonld", "application/xml": "rdfxml", "text/xml": "rdfxml",
    "text/plain": "ntriples"}
#: ``format=`` values, per kind of answer (tabular, graph): the names SPARQLWrapper, Virtuoso
#: and Fuseki use, and media types.
_FORMAT_WORDS: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None),
    "tsv": ("tsv", None), "turtle": (None, "turtle"), "ttl": (None, "turtle"),
    "n3": (None, "turtle"), "json-ld": (None, "jsonld"), "jsonld": (None, "jsonld"),
    "rdf": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"), "rdfxml": (None, "rdfxml"),
    "nt": (None, "ntriples"), "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
}

# Vocabularies of the service description (to be moved to catalog.namespaces).
_SD_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
               "SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML")
_SD_MEDIA = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
             "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML}

CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "Retry-After, X-Request-ID"}
PREFLIGHT = CORS | {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Accept, Content-Type",
                    "Access-Control-Max-Age": "86400", "Allow": "GET, POST, OPTIONS"}


class MissingQuery(InvalidInput):
    code = "invalid_request"


@dataclass(frozen=True)
class ProtocolRequest:
    """What a query request asks: the query (None: none was sent), the protocol dataset and
    the ``format=`` hints."""

    query: str | None
    dataset: QueryDataset | None
    formats: tuple[str, ...]


# --- reading ------------------------------------------------------------------------------
def _pairs(raw: bytes | str, what: str) -> list[tuple[str, str]]:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise InvalidInput.of("protocol.not_utf8", field=what, link=PROTOCOL,
                              what=what) from exc


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge.of("protocol.body_too_large", value=int(declared),
                          expected=f"<= {limit} bytes", size=declared, limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge.of("protocol.body_over", expected=f"<= {limit} bytes", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse_update() -> Forbidden:
    return Forbidden.of("protocol.update_refused", field="update", expected="a query (query=)",
                        link=PROTOCOL)


def _media(request: Request) -> tuple[str, dict[str, str]]:
    raw = request.headers.get("content-type", "")
    kind, *params = (p.strip() for p in raw.split(";"))
    options = {}
    for p in params:
        key, _, value = p.partition("=")
        options[key.strip().lower()] = value.strip().strip('"').lower()
    return kind.lower(), options


def _gather(pairs: Iterable[tuple[str, str]], direct: str | None) -> ProtocolRequest:
    queries: list[str] = [] if direct is None else [direct]
    default: list[str] = []
    named: list[str] = []
    formats: dict[str, list[str]] = {k: [] for k in _FORMAT_PARAMS}
    for key, value in pairs:
        if key == "update":
            raise _refuse_update()
        if key == "query":
            queries.append(value)
        elif key == "default-graph-uri":
            default.append(graph_iri(value, key, PROTOCOL))
        elif key == "named-graph-uri":
            named.append(graph_iri(value, key, PROTOCOL))
        elif key in formats and value:
            formats[key].append(value)
    if len(queries) > 1:
        raise InvalidInput.of("protocol.one_query", field="query", link=PROTOCOL)
    dataset = QueryDataset(tuple(default), tuple(named)) if default or named else None
    query = queries[0] if queries and queries[0].strip() else None
    return ProtocolRequest(query, dataset, tuple(v for k in _FORMAT_PARAMS for v in formats[k]))


@lru_cache(maxsize=4096)
def _read_get(raw: bytes) -> ProtocolRequest:
    """A GET is its query string: each one is read once (errors are not kept)."""
    return _gather(_pairs(raw, "query string"), None)


async def read_request(request: Request, *, max_body: int) -> ProtocolRequest:
    """The query request in ``request`` (GET, or POST form-encoded or direct)."""
    raw: bytes = request.scope.get("query_string", b"")
    if request.method != "POST":
        return _read_get(raw)
    url_pairs = _pairs(raw, "query string")
    media, options = _media(request)
    if media == _UPDATE:
        raise _refuse_update()
    if media == _FORM:
        body = await _body(request, max_body)
        return _gather(url_pairs + _pairs(body, "form body"), None)
    if media == _DIRECT:
        charset = options.get("charset", "utf-8")
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType.of("protocol.charset", field="Content-Type",
                                          value=charset, expected="charset=utf-8",
                                          link=PROTOCOL)
        body = await _body(request, max_body)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput.of("protocol.query_not_utf8", field="query",
                                  link=PROTOCOL) from exc
        return _gather(url_pairs, text)
    shown = media or "none"
    raise UnsupportedMediaType.of("protocol.post_media", field="Content-Type", value=shown,
                                  expected=f"{_FORM} or {_DIRECT}", link=PROTOCOL,
                                  form=_FORM, direct=_DIRECT)


def missing_query() -> MissingQuery:
    return MissingQuery.of("protocol.missing_query", field="query", link=PROTOCOL)


# --- negotiation --------------------------------------------------------------------------
def negotiate(request: Request, form: QueryForm | None, formats: Sequence[str]) -> str:
    """The name (a key of :data:`catalog.sparql_results.FORMATS`) of the answer's format."""
    return _negotiate(request.headers.get("accept", ""), form in ("CONSTRUCT", "DESCRIBE"),
                      tuple(formats))


@lru_cache(maxsize=1024)
def _negotiate(accept: str, graph: bool, formats: tuple[str, ...]) -> str:
    table = _GRAPH_MEDIA if graph else _TABULAR_MEDIA
    for value in formats:
        word = value.strip().lower()
        name = _FORMAT_WORDS.get(word, (None, None))[1 if graph else 0] or table.get(word)
        if name:
            return name
    if formats:
        raise NotAcceptable.of(
            "protocol.format", field="format", value=formats[0],
            expected=", ".join(w for w, k in _FORMAT_WORDS.items() if k[1 if graph else 0]))
    asked = Request({"type": "http", "headers": [(b"accept", accept.encode("latin-1"))]})
    try:
        name = table[choose(asked, list(table))]
    except NotAcceptable:
        if graph and _only_results_formats(accept):
            return "turtle"
        raise
    if name == "jsonld" and wants_expanded(accept):
        return EXPANDED_JSONLD.name
    return name


def _only_results_formats(accept: str) -> bool:
    names = [p.split(";")[0].strip().lower() for p in accept.split(",") if p.strip()]
    return bool(names) and all(n in _TABULAR_MEDIA for n in names)


def wants_rdf(request: Request) -> bool:
    """True when Accept names an RDF media type (the service description's)."""
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip().lower() for p in part.split(";"))
        if media in _SD_MEDIA and not any(p.replace(" ", "") in ("q=0", "q=0.0")
                                          for p in params):
            return True
    return False


# --- writing ------------------------------------------------------------------------------
def answer_response(answer: QueryAnswer, max_rows: int, max_bytes: int) -> Response:
    """The answer, whole; an answer that passed a cap is refused (400) with how to page through
    it, never sent cut (a client that ignores headers would take part for the whole)."""
    if answer.truncated_by == "rows":
        raise QueryRejected.of("sparql.too_many_rows", field="query", max_rows=max_rows,
                               expected=f"LIMIT {max_rows} or less, with ORDER BY and OFFSET")
    if answer.truncated_by is not None:
        raise QueryRejected.of("sparql.too_large", field="query", max_bytes=max_bytes,
                               expected="a smaller page: a lower LIMIT, with ORDER BY and OFFSET")
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept", **CORS})


def error_response(request: Request, exc: CatalogError) -> Response:
    """The one problem document (:mod:`api.errors`), with this endpoint's CORS headers."""
    headers = dict(CORS)
    if isinstance(exc, UnsupportedMediaType):
        headers["Accept-Post"] = f"{_FORM}, {_DIRECT}"
    return catalog_error_response(request, exc, headers)


def _sd_triples(endpoint: str, graph_store: str) -> list[ox.Triple]:
    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    a, service, dataset, graph = n(RDF_TYPE), ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    simple = n("http://www.w3.org/ns/entailment/Simple")
    out = [ox.Triple(service, a, n(SD + "Service")),
           ox.Triple(service, n(SD + "endpoint"), n(endpoint)),
           ox.Triple(service, n(RDFS + "label"), ox.Literal(
               "semcat: read-only SPARQL 1.1 over the published records (SERVICE and updates "
               "are refused)", language="en")),
           ox.Triple(service, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
           ox.Triple(service, n(SD + "defaultEntailmentRegime"), simple),
           ox.Triple(simple, a, n(SD + "EntailmentRegime")),
           ox.Triple(service, n(SD + "defaultDataset"), dataset),
           ox.Triple(dataset, a, n(SD + "Dataset")),
           ox.Triple(dataset, n(SD + "defaultGraph"), graph),
           ox.Triple(graph, a, n(SD + "Graph")),
           # the read side of the Graph Store Protocol, for the same dataset
           ox.Triple(service, n(RDFS + "seeAlso"), n(graph_store)),
           ox.Triple(n(graph_store), a, n(DCAT + "DataService")),
           ox.Triple(n(graph_store), n(DCAT + "endpointURL"), n(graph_store)),
           ox.Triple(n(graph_store), n(DCT + "conformsTo"), n(GSP_SPEC)),
           ox.Triple(n(graph_store), n(RDFS + "label"), ox.Literal(
               "semcat: SPARQL 1.1 Graph Store Protocol, read only (GET/HEAD ?graph=IRI of a "
               "record, or ?default)", language="en"))]
    out += [ox.Triple(service, n(SD + "supportedLanguage"), n(SD + lang))
            for lang in ("SPARQL10Query", "SPARQL11Query")]
    for name in _SD_FORMATS:
        out += [ox.Triple(service, n(SD + "resultFormat"), n(W3C_FORMATS + name)),
                ox.Triple(n(W3C_FORMATS + name), a, n(W3C_FORMATS + "Format"))]
    return out


def service_urls(base_uri: str) -> tuple[str, str]:
    """The public URLs of the SPARQL endpoint and of the graph store (the origin of
    ``SEMCAT_BASE_URI``: the hub serves both at its root)."""
    return urljoin(base_uri, "/sparql"), urljoin(base_uri, "/graph-store")


def service_description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in Turtle by default."""
    endpoint, graph_store = service_urls(request.app.state.settings.base_uri)
    try:
        media = choose(request, list(_SD_MEDIA))
    except NotAcceptable:  # a client that names only results formats: Turtle still
        media = "text/turtle"
    triples = _sd_triples(endpoint, graph_store)
    if media == "application/ld+json" and not wants_expanded(request.headers.get("accept", "")):
        body = rdfio.compact_jsonld(triples, inline=True)
    else:
        body = ox.serialize(triples, format=_SD_MEDIA[media],
                            prefixes={"sd": SD, "formats": W3C_FORMATS, "rdfs": RDFS,
                                      "dcat": DCAT, "dct": DCT}) or b""
    return Response(body, media_type=media, headers={"Vary": "Accept", **CORS})


__all__ = ["CORS", "FORMATS", "PREFLIGHT", "MissingQuery", "ProtocolRequest",
           "UnsupportedMediaType", "answer_response", "error_response", "missing_query",
           "negotiate", "read_request", "service_description", "service_urls", "wants_rdf"]
