"""Named SPARQL queries: one ``.rq`` file each, with a ``#+`` header, parameters bound.

Each file starts with its header::

    #+ summary: Published services, by code, after a cursor.
    #+ params: ?after (string), ?authority (iri)
    #+ returns: ?service (IRI), ?code, ...

``params`` is ``none`` or a comma-separated list of ``?name (type)``, the type one of
``iri``, ``string``, ``integer``. :func:`load` refuses a file whose header is malformed, whose
text does not use a declared parameter, or whose text still holds a placeholder-style marker
(``#VALUES``, ``{iri}``, ``%s``): values never enter a query by text formatting.

:meth:`NamedQuery.bind` checks values against the declared types and gives a
:class:`BoundQuery`; a parameter left out stays a free variable. The quad stores run it: the
embedded store hands the values to pyoxigraph as ``substitutions=``; the remote store, which has
only the SPARQL Protocol, sends :func:`values_text` (a ``VALUES`` block, terms serialised by
pyoxigraph, at the start of the top-level WHERE group).

The two give the same answers when a parameter is used only (a) in a required triple pattern
or (b) in an expression of the top-level group (a ``FILTER`` there, or an ``EXISTS`` in it),
never under ``BOUND()`` (pyoxigraph's substitution is not seen by ``BOUND``: test "left unbound"
with ``COALESCE(?x != ?x, true)``), and when it is projected (pyoxigraph substitutes projected
variables only). The loader checks the last two; ``tests/catalog/test_named_queries.py`` runs
every shipped query on both stores and compares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from catalog.errors import ConfigurationError, InvalidInput
from catalog.namespaces import XSD

_DIR = Path(__file__).parent
ParamType = Literal["iri", "string", "integer"]
Term = ox.NamedNode | ox.Literal
_TYPES: tuple[ParamType, ...] = ("iri", "string", "integer")
_PARAM = re.compile(r"\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*([a-z]+)\s*\)\s*")
_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[A-Za-z0-9_\-.]*)?)
  | (?P<open>\{) | (?P<close>\}) | (?P<other>.)
''', re.S | re.X)
#: text left by a template: a marker comment (#VALUES, #FILTERS) or a format field
_MARKER_COMMENT = re.compile(r"#\s*[A-Z][A-Z_]{2,}\s*$")
_FORMAT_FIELD = re.compile(r"\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}|%[sdr]\b|%\(\w+\)[sdr]")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int


def _all_tokens(text: str) -> list[_Token]:
    return [_Token(m.lastgroup or "other", m.group(), m.start()) for m in _TOKEN.finditer(text)]


def _tokens(text: str) -> list[_Token]:
    """The tokens of ``text`` without whitespace."""
    return [t for t in _all_tokens(text) if not t.text.isspace()]


def _where_brace(tokens: list[_Token]) -> int:
    """The offset just after the ``{`` that opens the top-level WHERE group."""
    depth, after_where = 0, False
    for i, tok in enumerate(tokens):
        if tok.kind == "open":
            if depth == 0 and (after_where or not any(
                    t.kind == "word" and t.text.upper() == "CONSTRUCT" for t in tokens[:i])):
                return tok.start + 1
            depth += 1
        elif tok.kind == "close":
            depth -= 1
        elif tok.kind == "word" and depth == 0 and tok.text.upper() == "WHERE":
            after_where = True
    raise ValueError("no WHERE group")


@dataclass(frozen=True)
class BoundQuery:
    """A named query with values for some of its parameters (the others stay free)."""

    query: NamedQuery
    bindings: Mapping[str, Term] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.query.name

    @property
    def text(self) -> str:
        return self.query.text

    def substitutions(self) -> dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal
                                    | ox.Triple]:
        """The values as pyoxigraph ``Store.query(substitutions=...)`` takes them."""
        return {ox.Variable(k): v for k, v in self.bindings.items()}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    summary: str
    params: Mapping[str, ParamType] = field(default_factory=dict)
    returns: str = ""

    def bind(self, **values: object) -> BoundQuery:
        """Check ``values`` against the declared parameters; ``None`` leaves one unbound."""
        bound: dict[str, Term] = {}
        for key, value in values.items():
            kind = self.params.get(key)
            if kind is None:
                declared = ", ".join(f"?{p} ({t})" for p, t in self.params.items()) or "none"
                raise InvalidInput(
                    f"query {self.name} has no parameter ?{key}", field=key, value=key,
                    message_ro=f"interogarea {self.name} nu are parametrul ?{key}",
                    expected=f"one of: {declared}")
            if value is not None:
                bound[key] = _term(self.name, key, kind, value)
        return BoundQuery(self, bound)


#: what each type expects, in English and Romanian
_EXPECTED: dict[ParamType, tuple[str, str]] = {
    "iri": ("an absolute IRI (str)", "un IRI absolut (str)"),
    "integer": ("an integer (int, not bool)", "un număr întreg (int, nu bool)"),
    "string": ("a string (str)", "un șir de caractere (str)"),
}


def _term(query: str, key: str, kind: ParamType, value: object) -> Term:
    en, ro = _EXPECTED[kind]
    wrong = InvalidInput(f"query {query}: ?{key} must be {en}, not {value!r}", field=key,
                         message_ro=f"interogarea {query}: ?{key} trebuie să fie {ro}, "
                         f"nu {value!r}", value=value, expected=en)
    if kind == "iri":
        if isinstance(value, ox.NamedNode):
            return value
        if not isinstance(value, str):
            raise wrong
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise wrong from exc
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if not isinstance(value, str):
        raise wrong
    return ox.Literal(value)


def values_text(query: BoundQuery) -> str:
    """The query text with its bindings as a ``VALUES`` block opening the top-level WHERE
    group (terms written by pyoxigraph, so a value can never be read as syntax)."""
    if not query.bindings:
        return query.text
    names = " ".join(f"?{k}" for k in query.bindings)
    terms = " ".join(str(v) for v in query.bindings.values())
    at = _where_brace(_tokens(query.text))
    return f"{query.text[:at]}\n  VALUES ({names}) {{ ({terms}) }}{query.text[at:]}"


def _refuse(name: str, problem: str) -> ConfigurationError:
    return ConfigurationError(f"named query {name}.rq: {problem}",
                              message_ro=f"interogarea {name}.rq: {problem}",
                              field=name, expected="a #+ header (summary, params, returns) "
                              "whose parameters the text uses, and no template markers")


def _header(name: str, text: str) -> tuple[dict[str, str], str]:
    """The ``#+`` fields (continuation lines are ``#+`` lines without a ``key:``) and the
    text after the header."""
    lines = text.splitlines(keepends=True)
    fields: dict[str, str] = {}
    last = None
    n = 0
    for n, line in enumerate(lines):
        if not line.startswith("#+"):
            break
        m = re.match(r"#\+ (\w+):(.*)$", line.rstrip("\n"))
        if m:
            last = m.group(1)
            fields[last] = m.group(2).strip()
        elif last is not None:
            fields[last] += " " + line[2:].strip()
        else:
            raise _refuse(name, f"header line {n + 1} has no key")
    else:
        n = len(lines)
    for key in ("summary", "params", "returns"):
        if not fields.get(key):
            raise _refuse(name, f"the header lacks `#+ {key}:`")
    return fields, "".join(lines[n:])


def parse(name: str, text: str) -> NamedQuery:
    """A :class:`NamedQuery` from the text of a ``.rq`` file, or ConfigurationError."""
    fields, body = _header(name, text)
    params: dict[str, ParamType] = {}
    if fields["params"].lower() != "none":
        for item in fields["params"].split(","):
            m = _PARAM.fullmatch(item)
            if m is None or m.group(2) not in _TYPES:
                raise _refuse(name, f"parameter {item.strip()!r} is not `?name (type)` with "
                              f"a type among {', '.join(_TYPES)}")
            params[m.group(1)] = m.group(2)  # type: ignore[assignment]
    tokens = _tokens(body)
    for tok in tokens:
        if tok.kind == "comment" and _MARKER_COMMENT.match(tok.text):
            raise _refuse(name, f"a placeholder marker is left in the text: {tok.text!r}")
    # the text with comments, strings and IRIs blanked: what is left is query syntax
    code = "".join(t.text if t.kind in ("word", "var", "open", "close", "other") else " "
                   for t in _all_tokens(body))
    if m := _FORMAT_FIELD.search(code):
        raise _refuse(name, f"a placeholder marker is left in the text: {m.group()!r}")
    used = {t.text[1:] for t in tokens if t.kind == "var"}
    projected = _projection(tokens)
    for p in params:
        if p not in used:
            raise _refuse(name, f"?{p} is declared but the text does not use it")
        if p not in projected:
            raise _refuse(name, f"?{p} must be in the SELECT projection (pyoxigraph "
                          "substitutes projected variables only)")
    for i, tok in enumerate(tokens[:-2]):
        if (tok.kind == "word" and tok.text.upper() == "BOUND" and tokens[i + 2].kind == "var"
                and tokens[i + 2].text[1:] in params):
            raise _refuse(name, f"BOUND({tokens[i + 2].text}) does not see a substituted "
                          "value: use COALESCE(?x != ?x, true) for `left unbound`")
    return NamedQuery(name, text, fields["summary"], params, fields["returns"])


def _projection(tokens: list[_Token]) -> set[str]:
    """The variables named in the SELECT clause (empty for other query forms)."""
    out: set[str] = set()
    selecting = False
    for tok in tokens:
        if tok.kind == "word" and tok.text.upper() == "SELECT":
            selecting = True
        elif selecting and (tok.kind == "open" or (tok.kind == "word"
                                                   and tok.text.upper() in ("WHERE", "FROM"))):
            break
        elif selecting and tok.kind == "var":
            out.add(tok.text[1:])
    return out


@cache
def load(name: str) -> NamedQuery:
    """The query in ``catalog/queries/{name}.rq``."""
    return parse(name, (_DIR / f"{name}.rq").read_text("utf-8"))


def names() -> list[str]:
    return sorted(p.stem for p in _DIR.glob("*.rq"))


__all__ = ["BoundQuery", "NamedQuery", "ParamType", "load", "names", "parse", "values_text"]
