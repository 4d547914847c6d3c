"""Gates every input passes before a parser sees it: size, nesting depth, XML DOCTYPE.

The embedded engine and the parsers crash or blow up on hostile input (SPARQL with ~3,000
nested groups or JSON-LD nested ~3,500 deep kill the process; a 1 KB billion-laughs document
took rdflib 167 s). These checks are linear scans that never recurse.
"""

from __future__ import annotations

import json
import re
from typing import Any

from catalog.errors import InvalidInput, TooLarge, UnsafeInput

_DOCTYPE_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_size(data: bytes | str, limit: int, *, what: str) -> None:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > limit:
        raise TooLarge.of("input.too_large", value=size, expected=f"<= {limit} bytes",
                          what=what, size=size, limit=limit)


def _tokens(comments: bool, iris: bool) -> re.Pattern[str]:
    """What a nesting scan looks at: brackets (and RDF-star ``<<``/``>>``) as tokens of their
    own; string literals, comments and IRIs whole, so that what they hold is skipped in one
    step of the regular expression engine, not a character at a time."""
    parts = [r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\Z)',
             r"'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)",
             r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?', r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'?"]
    if comments:
        parts.append(r"#[^\n]*")
    if iris:
        parts += [r"<<|>>", r"<[^\s<>\"{}|^`\\]*>"]
    parts.append(r"[\[\](){}]")
    return re.compile("|".join(parts), re.DOTALL)


_SCANS = {(c, i): _tokens(c, i) for c in (True, False) for i in (True, False)}
_OPENERS = frozenset({"(", "[", "{", "<<"})
_CLOSERS = frozenset({")", "]", "}", ">>"})


def nesting_depth(text: str, *, comments: bool = True, iris: bool = True,
                  stop_above: int | None = None) -> int:
    """Deepest bracket nesting outside string literals, comments and IRIs; with ``iris``,
    RDF-star quoted triples (``<< ... >>``) count as a level too (an unclosed ``<<`` is
    nesting like an unclosed bracket).

    Works for Turtle/TriG/SPARQL (``comments``/``iris`` on) and JSON (both off). One pass of
    a regular expression over the text: only brackets cost a step of Python each. With
    ``stop_above``, the scan stops at the first level deeper than it and returns that level:
    a hostile document of a million open brackets costs ``stop_above`` steps, not a million.
    """
    stop = stop_above if stop_above is not None else -1
    if not comments and not iris:
        return _json_depth(text, stop)
    depth = deepest = 0
    for m in _SCANS[(comments, iris)].finditer(text):
        token = m.group()
        if token in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest == stop + 1:
                    break
        elif token in _CLOSERS:
            depth = max(0, depth - 1)
    return deepest


_JSON_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?' + r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'?")
_NOT_BRACKET = re.compile(r"[^\[\](){}]+")


def _json_depth(text: str, stop: int) -> int:
    """:func:`nesting_depth` of JSON: the strings and everything but brackets removed in two
    passes in C, then one step of Python per bracket (not per string)."""
    depth = deepest = 0
    for c in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if c in "([{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest == stop + 1:
                    break
        else:
            depth = max(0, depth - 1)
    return deepest


def check_nesting(text: str, limit: int, *, what: str, json: bool = False) -> None:
    """Refuse ``text`` nested deeper than ``limit`` (the scan stops at the first level past
    it, so the message says "more than", not how deep the whole document goes)."""
    if nesting_depth(text, comments=not json, iris=not json, stop_above=limit) > limit:
        raise InvalidInput.of("input.too_deep", value=f"> {limit}",
                              expected=f"<= {limit} nesting levels", what=what, limit=limit)


def check_no_doctype(data: bytes) -> None:
    """Refuse XML that declares a DOCTYPE or entities (XXE, billion laughs)."""
    if _DOCTYPE_RE.search(data) or b"\x00<\x00!" in data or b"<\x00!\x00" in data:
        raise UnsafeInput.of("input.xml_doctype",
                             expected="RDF/XML without <!DOCTYPE> and <!ENTITY>")


def decode_utf8(data: bytes, *, what: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput.of("input.not_utf8", expected="UTF-8 text", what=what,
                              byte=exc.start) from exc
    return text.removeprefix("\ufeff")


_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


#: NUL or a lone surrogate in JSON text written by ``json.dumps(..., ensure_ascii=False)``
#: (which escapes NUL as ``\u0000`` and leaves surrogates as they are)
_UNSTORABLE_DUMPED = re.compile(r"\\u0000|[\ud800-\udfff]")


def check_storable_text(value: Any, path: str = "$") -> None:
    """Refuse NUL (PostgreSQL rejects it) and lone surrogates (they pass ``json.loads`` and
    break serialisation later) anywhere in decoded JSON. Call after the nesting gate."""
    if path == "$" and isinstance(value, dict | list):
        # one pass in C over the whole document; the walk below only names the field
        try:
            if not _UNSTORABLE_DUMPED.search(json.dumps(value, ensure_ascii=False)):
                return
        except (TypeError, ValueError):
            pass  # not plain JSON data: walk it
    if isinstance(value, str):
        m = _UNSTORABLE.search(value)
        if m:
            raise InvalidInput.of("input.unstorable", field=path,
                                  expected="text without NUL or lone surrogates",
                                  code_point=ord(m.group()))
    elif isinstance(value, dict):
        for k, v in value.items():
            check_storable_text(k, path)
            check_storable_text(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_storable_text(v, f"{path}[{i}]")


#: Characters refused in any text (every literal of a record, whatever its format: the strings
#: of plain JSON become literals):
#: bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: they
#: reorder what a reader sees, CVE-2021-42574 "Trojan Source", and an unterminated one leaks
#: into the page around it) and C0/C1 controls other than tab, line feed and carriage return.
#: NUL has its own message (:func:`check_storable_text`). Kept: the marks LRM, RLM and ALM
#: (U+200E, U+200F, U+061C: they change no embedding level, and mixed Romanian, Russian and
#: right-to-left text needs them), ZWJ and ZWNJ (U+200D joins emoji sequences, U+200C
#: shapes scripts) and the other format characters that codes refuse.
_HIDDEN_IN_TEXT = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_text(value: str, *, field: str, max_bytes: int | None = None) -> None:
    """Refuse text with bidirectional overrides or control characters, or longer than
    ``max_bytes`` UTF-8 bytes (400 naming ``field``)."""
    m = _HIDDEN_IN_TEXT.search(value)
    if m:
        raise InvalidInput.of(
            "input.control_in_text", field=field,
            value=value[max(0, m.start() - 40):m.start() + 40].encode(
                "unicode_escape").decode("ascii"),
            expected="text without bidirectional overrides, embeddings, isolates or control "
                     "characters (tab, line feed and carriage return are fine)",
            code_point=ord(m.group()), position=m.start())
    if max_bytes is not None and len(value) * 4 > max_bytes:
        size = len(value.encode("utf-8"))
        if size > max_bytes:
            raise InvalidInput.of("input.literal_too_long", field=field,
                                  value=value[:80] + "...", expected=f"<= {max_bytes} bytes",
                                  size=size, limit=max_bytes)


#: Characters that make an identifier look like another one: bidirectional controls and
#: zero-width characters (CVE-2021-42574 "Trojan Source"), and C0/C1 controls.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069"
                        r"\ufeff]")


def check_identifier(value: str, *, field: str) -> None:
    """Refuse codes, identifiers and IRIs holding invisible or direction-changing characters."""
    m = _INVISIBLE.search(value)
    if m:
        raise InvalidInput.of(
            "input.invisible", field=field,
            value=value.encode("unicode_escape").decode("ascii")[:200],
            expected="an identifier without control, zero-width or bidirectional characters",
            code_point=ord(m.group()), position=m.start())


#: The schemes a link may have where a person can follow it (pages, a channel's address).
LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")
#: Schemes refused in any IRI of a record: they run code or read local files when followed.
_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def safe_link(value: str | None) -> str | None:
    """``value`` when a browser may follow it (http, https, mailto, tel), else None."""
    if value and value.strip().lower().startswith(LINK_SCHEMES):
        return value
    return None


def check_iri_scheme(iri: str, *, field: str) -> None:
    """Refuse an IRI whose scheme runs code or reads local files (``javascript:``, ``data:``,
    ``vbscript:``, ``file:``)."""
    if iri.strip().lower().startswith(_DANGEROUS_SCHEMES):
        scheme = iri.split(":", 1)[0]
        raise InvalidInput.of("link.scheme", field=field, value=iri[:200],
                              expected="an http, https, mailto, tel or urn IRI", scheme=scheme)
