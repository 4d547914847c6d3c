"""Checks a user's SPARQL text before any engine sees it.

Order matters: size and nesting first (a text with ~3,000 nested groups kills pyoxigraph, 700
abort ``oxigraph serve``), then one parse with rdflib's grammar, which finds ``SERVICE`` even in
sub-queries and refuses updates (``LOAD``, ``INSERT``, ...), because the endpoint is read-only
and must never make a server-side request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from catalog import gates
from catalog.errors import QueryRejected

QueryForm = Literal["SELECT", "CONSTRUCT", "DESCRIBE", "ASK"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE", "AskQuery": "ASK",
}


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: QueryForm


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


def check_query(text: str, *, max_bytes: int, max_nesting: int) -> CheckedQuery:
    gates.check_size(text, max_bytes, what="SPARQL query")
    gates.check_nesting(text, max_nesting, what="SPARQL query")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise QueryRejected(
                "this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) "
                "is refused",
                message_ro="acest punct de acces este doar pentru citire: SPARQL Update este "
                "refuzat",
                field="query", expected="a SELECT, CONSTRUCT, DESCRIBE or ASK query",
            ) from exc
        raise QueryRejected(
            f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}",
            message_ro=f"eroare de sintaxă SPARQL la linia {exc.lineno}, coloana {exc.col}",
            field="query", line=exc.lineno, column=exc.col,
        ) from exc
    except RecursionError as exc:
        raise QueryRejected("SPARQL query too deeply nested", field="query") from exc
    form: QueryForm | None = None
    for node in _walk(parsed):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRejected(
                    "SERVICE is refused: this endpoint never sends requests to other servers",
                    message_ro="SERVICE este refuzat: acest punct de acces nu trimite cereri "
                    "către alte servere",
                    field="query", expected="a query without SERVICE",
                )
            form = form or _FORMS.get(node.name)
    if form is None:
        raise QueryRejected("unsupported query form", field="query")
    return CheckedQuery(text, form)


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True
