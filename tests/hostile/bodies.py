"""Request bodies of the hostile cases: valid passports made hostile in one place each, in every
format a write takes, and the classic attacks on parsers (entities, deep nesting, remote
contexts). Built once, at import; every function returns the bytes sent."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from catalog import rdfio
from catalog.intake.readers import draft_of
from catalog.namespaces import ADMS, DCT
from catalog.records import csvformat
from catalog.records.passport import Passport
from tests.builders import BASE, passport

SVC = BASE + "id/service/"
ORG = BASE + "id/org/"


def as_json(p: Passport) -> bytes:
    return p.model_dump_json().encode()


def as_dict(p: Passport) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(as_json(p))
    return doc


def json_with(code: str, /, **fields: Any) -> bytes:
    """The JSON passport ``code`` with ``fields`` set as given (no model checks them)."""
    return json.dumps({**as_dict(passport(code)), **fields}).encode()


Extra = tuple[tuple[str, ox.NamedNode | ox.Literal], ...]


def rdf(p: Passport, fmt: str, extra: Extra = ()) -> bytes:
    """``p`` in ``fmt`` (turtle, ntriples, rdfxml, jsonld) with ``extra`` on its root."""
    draft = draft_of(p, BASE)
    root = ox.NamedNode(draft.iri)
    triples = draft.triples + [ox.Triple(root, ox.NamedNode(pr), o) for pr, o in extra]
    return rdfio.serialize(triples, fmt)


def quads(graphs: dict[str, Passport], fmt: str) -> bytes:
    """Each passport in the graph named by its key, as N-Quads or TriG."""
    out = []
    for graph, p in graphs.items():
        out += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                for t in draft_of(p, BASE).triples]
    return rdfio.serialize(out, fmt)


def csv(*ps: Passport) -> bytes:
    return csvformat.export_csv(list(ps))


def cnas(code: str, **changes: Any) -> Passport:
    """A valid passport of the social insurance house (CNAS)."""
    p = passport(code, **changes)
    p.competent_authority = ORG + "cnas"
    for ch in p.channels:
        ch.owned_by = ORG + "cnas"
    return p


# --- XML ------------------------------------------------------------------------------------
_RDF_OPEN = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             'xmlns:dct="http://purl.org/dc/terms/">'
             f'<rdf:Description rdf:about="{SVC}ASP-7101"><dct:title>')
_RDF_CLOSE = "</dct:title></rdf:Description></rdf:RDF>"
XML_DTD = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ELEMENT x ANY>]>\n'
           f"{_RDF_OPEN}x{_RDF_CLOSE}").encode()
XXE = (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       f"{_RDF_OPEN}&x;{_RDF_CLOSE}").encode()
XXE_UTF16 = XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"'
                                 ).encode("utf-16")
XXE_PARAMETER = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY % p SYSTEM '
                 b'"http://127.0.0.1:9/evil.dtd"> %p;]>\n'
                 + f"{_RDF_OPEN}x{_RDF_CLOSE}".encode())
BILLION_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'
                            for n in range(1, 10)).replace("&lol0;", "&lol;")
                  + f"]>\n{_RDF_OPEN}&lol9;{_RDF_CLOSE}").encode()

# --- deep nesting and parser bombs -----------------------------------------------------------
TURTLE_UNCLOSED_QUOTED = b"<< " * 300_000  # RDF-star quoted triples, never closed (900 KB)
TURTLE_DEEP_BLANKS = ("<http://e/s> <http://e/p> " + "[ <http://e/p> " * 5000 + "1"
                      + " ]" * 5000 + " .").encode()
TURTLE_DEEP_LISTS = ("<http://e/s> <http://e/p> " + "(" * 5000 + ")" * 5000 + " .").encode()
JSON_DEEP = ('{"code": ' + '{"a": ' * 5000 + "1" + "}" * 5001).encode()
JSON_DEEP_LIST = ("[" * 100_000 + "]" * 100_000).encode()
JSONLD_DEEP = ('{"@id": "http://e/s", "http://e/p": ' + '{"http://e/p": ' * 5000 + "1"
               + "}" * 5001).encode()
JSON_HUGE_INT = ('{"code": "ASP-7102", "costs": [{"value": 1' + "0" * 50_000 + "}]}").encode()


def jsonld_context(context: object) -> bytes:
    """The JSON-LD passport with ``context`` as its ``@context``."""
    doc = json.loads(rdf(passport("ASP-7103"), "jsonld"))
    docs = doc if isinstance(doc, list) else [doc]
    return json.dumps({"@context": context, "@graph": docs}).encode()


# --- server-owned properties, hostile links, text -------------------------------------------
STATUS_COMPLETED = (ADMS + "status", ox.NamedNode("http://purl.org/adms/status/Completed"))
PUBLISHER = (DCT + "publisher", ox.NamedNode(ORG + "cnas"))
JAVASCRIPT = (DCT + "source", ox.NamedNode("javascript:alert(document.cookie)"))


def with_channel_url(code: str, url: str) -> bytes:
    doc = as_dict(passport(code))
    doc["channels"][0]["url"] = url
    return json.dumps(doc).encode()


def turtle_with_literal_bytes(code: str, size: int) -> bytes:
    """A Turtle passport whose Romanian description is ``size`` bytes of UTF-8."""
    return rdf(passport(code, description={"ro": "ă" * (size // 2), "en": "x"}), "turtle")


def turtle_with_keywords(code: str, n: int) -> bytes:
    words = ", ".join(f'"w{k}"' for k in range(n))
    return rdf(passport(code), "turtle") + f"\n<{SVC}{code}> <{DCT}subject> {words} .\n".encode()


def csv_cell(code: str, text: str) -> bytes:
    """The CSV passport ``code`` with its Romanian title cell holding ``text`` (not escaped)."""
    data = csv(passport(code, title_ro="TITLU")).decode("utf-8-sig")
    return data.replace("TITLU", text).encode()


def csv_columns(code: str, extra: int) -> bytes:
    """The CSV passport ``code`` with ``extra`` more keyword columns than the cap allows."""
    head, row = csv(passport(code)).decode("utf-8-sig").splitlines()[:2]
    names = ",".join(f"keywords@x{k}" for k in range(extra))
    return f"{head},{names}\n{row}{',' * extra}\n".encode()
