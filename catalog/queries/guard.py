"""Checks a user's SPARQL text before any engine sees it.

Order matters: size and nesting first (a text with ~3,000 nested groups kills pyoxigraph, 700
abort ``oxigraph serve``), then one parse with rdflib's grammar, which finds ``SERVICE`` even in
sub-queries and refuses updates (``LOAD``, ``INSERT``, ...), because the endpoint is read-only
and must never make a server-side request.

:func:`precheck` is the cheap half (the gates and the query form, read from the first keyword
after the prologue) that the HTTP process runs to negotiate a format; :func:`check_query` is the
whole check, which for the embedded store runs inside the killable query worker, so even a parse
that takes pathologically long is stopped at the query's deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from catalog import gates
from catalog.errors import QueryRejected

QueryForm = Literal["SELECT", "CONSTRUCT", "DESCRIBE", "ASK"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE", "AskQuery": "ASK",
}
_UPDATE_WORDS = frozenset({"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT",
                           "DELETE", "WITH"})
_SKIP = re.compile(r"(?:\s+|#[^\n\r]*)+")
_DECL = re.compile(r"(?i:BASE)\s*<[^<>]*>|(?i:PREFIX)\s*[^\s:<>]*:\s*<[^<>]*>")
_WORD = re.compile(r"[A-Za-z]+")
SPARQL_SPEC = "https://www.w3.org/TR/sparql11-query/#grammar"


@dataclass(frozen=True)
class QueryDataset:
    """An RDF dataset: the graphs merged into the default graph and the named graphs."""

    default: tuple[str, ...]
    named: tuple[str, ...]


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: QueryForm
    #: the query's own ``FROM`` / ``FROM NAMED`` clauses, when it has any
    dataset: QueryDataset | None = None
    #: the largest OFFSET of the query and its sub-queries (0 without one)
    offset: int = 0


def read_only_refusal() -> QueryRejected:
    return QueryRejected.of(
        "sparql.read_only", field="query", expected="a SELECT, CONSTRUCT, DESCRIBE or ASK query",
        link="https://www.w3.org/TR/sparql11-protocol/#query-operation")


def precheck(text: str, *, max_bytes: int, max_nesting: int) -> QueryForm | None:
    """The gates, then the query form from the first keyword after ``BASE``/``PREFIX``.

    None when the text starts with no query keyword (the full check then reports the syntax
    error); an update keyword is refused here, before anything is sent anywhere.
    """
    gates.check_size(text, max_bytes, what="SPARQL query")
    gates.check_nesting(text, max_nesting, what="SPARQL query")
    text = expandUnicodeEscapes(text) if "\\u" in text or "\\U" in text else text
    pos = 0
    while True:
        skip = _SKIP.match(text, pos)
        pos = skip.end() if skip else pos
        decl = _DECL.match(text, pos)
        if decl is None:
            break
        pos = decl.end()
    word = _WORD.match(text, pos)
    keyword = word.group(0).upper() if word else ""
    if keyword in _UPDATE_WORDS:
        raise read_only_refusal()
    return keyword if keyword in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK") else None  # type: ignore[return-value]


def _walk(node: Any, depth: int = 0) -> Any:
    if depth > 400:
        return
    yield node
    if isinstance(node, CompValue):
        for v in node.values():
            yield from _walk(v, depth + 1)
    elif isinstance(node, (list, tuple, ParseResults)):
        for v in node:
            yield from _walk(v, depth + 1)


def _field(node: Any, key: str) -> Any:
    """``node[key]`` of a parse-tree node, or None (``CompValue.get`` returns the key)."""
    return dict.get(node, key) if isinstance(node, CompValue) else None


def _iri(node: Any, prefixes: dict[str, str]) -> str | None:
    if isinstance(node, CompValue) and node.name == "pname":
        ns = prefixes.get(str(_field(node, "prefix") or ""))
        return None if ns is None else ns + str(_field(node, "localname") or "")
    return str(node) if node is not None else None


def _dataset(parsed: Any) -> QueryDataset | None:
    prologue, query = parsed[0], parsed[1]
    clauses = _field(query, "datasetClause")
    if not clauses:
        return None
    prefixes = {str(_field(d, "prefix") or ""): str(_field(d, "iri")) for d in prologue
                if isinstance(d, CompValue) and d.name == "PrefixDecl"}
    default = [_iri(_field(c, "default"), prefixes) for c in clauses
               if _field(c, "default") is not None]
    named = [_iri(_field(c, "named"), prefixes) for c in clauses
             if _field(c, "named") is not None]
    return QueryDataset(tuple(g for g in default if g), tuple(g for g in named if g))


def check_query(text: str, *, max_bytes: int, max_nesting: int) -> CheckedQuery:
    gates.check_size(text, max_bytes, what="SPARQL query")
    gates.check_nesting(text, max_nesting, what="SPARQL query")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise read_only_refusal() from exc
        raise QueryRejected.of("sparql.syntax", field="query", line=exc.lineno,
                               column=exc.col, link=SPARQL_SPEC, reason=exc.msg) from exc
    except RecursionError as exc:
        raise QueryRejected.of("sparql.too_nested", field="query") from exc
    form: QueryForm | None = None
    offset = 0
    for node in _walk(parsed):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRejected.of("sparql.service", field="query",
                                       expected="a query without SERVICE")
            if node.name == "LimitOffsetClauses" and _field(node, "offset") is not None:
                offset = max(offset, int(_field(node, "offset")))
            form = form or _FORMS.get(node.name)
    if form is None:
        raise QueryRejected.of("sparql.unsupported_form", field="query")
    return CheckedQuery(text, form, _dataset(parsed), offset)


def check_offset(checked: CheckedQuery, max_offset: int) -> None:
    """Refuse a query whose OFFSET is past ``max_offset`` (an engine reads and drops every row
    before it: deep pages cost as much as the whole answer)."""
    if checked.offset > max_offset:
        raise QueryRejected.of("sparql.offset_too_large", field="query", offset=checked.offset,
                               max_offset=max_offset, expected=f"OFFSET {max_offset} or less")


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True
