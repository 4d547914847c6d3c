"""The terms of the EU Core Vocabularies that elements are mapped to, read from the bundled
SHACL shapes of their application profiles (``vocabularies/core/``, CC-BY 4.0 © EU).

Each property shape is a term: its ``sh:path`` (the property), the class its node shape targets,
its English ``sh:name`` and ``sh:description``, and what its values are (``sh:datatype``, or
``sh:class`` for a resource). Each targeted class is a term too (an XSD complex type or an
OpenAPI schema maps to a class). A property shared by several classes is one term per class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from catalog import paths, rdfio
from catalog.namespaces import RDF_TYPE

SH = "http://www.w3.org/ns/shacl#"
CORE_DIR = paths.VOCABULARIES_DIR / "core"
#: file -> the vocabulary's name (as SSSOM and pages show it)
VOCABULARIES = {
    "core-person-ap-SHACL.ttl": "Core Person 2.1.2",
    "core-business-ap-SHACL.ttl": "Core Business 2.3.0",
    "core-location-ap-SHACL.ttl": "Core Location 2.1.0",
    "core-public-organisation-ap-SHACL.ttl": "CPOV 2.1.2",
    "cccev-ap-SHACL.ttl": "CCCEV 2.1.0",
}
_MAX_BYTES = 1 << 20
_Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Term:
    iri: str  # the property (or class) mapped to
    vocabulary: str
    kind: str  # property | class
    name: str  # English name
    domain: str | None  # the class a property describes
    description: str = ""
    datatype: str | None = None  # an XSD or RDF datatype IRI
    range_class: str | None = None  # the class of a property's values

    @property
    def value_type(self) -> str:
        """What the term's values are: text, date, datetime, number, boolean, uri, resource."""
        if self.kind == "class" or self.range_class is not None:
            return "resource"
        return datatype_category(self.datatype) if self.datatype else "unknown"


_CATEGORIES = {
    "string": "text", "langString": "text", "normalizedString": "text", "token": "text",
    "Literal": "text", "date": "date", "gYear": "date", "dateTime": "datetime",
    "dateTimeStamp": "datetime", "decimal": "number", "integer": "number", "int": "number",
    "long": "number", "double": "number", "float": "number", "nonNegativeInteger": "number",
    "positiveInteger": "number", "number": "number", "boolean": "boolean", "anyURI": "uri",
    "uri": "uri",
}


def datatype_category(datatype: str) -> str:
    """The category of a datatype IRI, an XSD local name (``xs:date``) or a JSON Schema type
    (``string``, ``integer``, ``object``...): text, date, datetime, number, boolean, uri,
    resource (an object, a complex type), or unknown."""
    local = re.split(r"[#/:]", datatype)[-1]
    if local in ("object", "array", "complex", "resource"):
        return "resource"
    return _CATEGORIES.get(local, "unknown")


def _words(iri: str) -> str:
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


@cache
def core_terms() -> tuple[Term, ...]:
    """Every term of the bundled vocabularies (read once)."""
    out: dict[tuple[str, str | None], Term] = {}
    for name, vocabulary in VOCABULARIES.items():
        data = (CORE_DIR / name).read_bytes()
        quads = rdfio.parse(data, "turtle", base_iri=None, max_bytes=_MAX_BYTES, max_nesting=64)
        by_subject: dict[ox.NamedNode | ox.BlankNode, dict[str, list[_Object]]] = {}
        for q in quads:
            if isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                by_subject.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(
                    q.object)

        def first(props: dict[str, list[_Object]], p: str) -> str | None:
            vals = [v for v in props.get(p, []) if isinstance(v, ox.Literal | ox.NamedNode)]
            english = [v for v in vals if isinstance(v, ox.Literal) and v.language == "en"]
            pick = english or vals
            return pick[0].value if pick else None

        for props in by_subject.values():
            if ox.NamedNode(SH + "NodeShape") not in props.get(RDF_TYPE, []):
                continue
            target = first(props, SH + "targetClass")
            if target is not None and (target, None) not in out:
                out[(target, None)] = Term(target, vocabulary, "class", _words(target), None)
            for shape in props.get(SH + "property", []):
                if not isinstance(shape, ox.NamedNode | ox.BlankNode):
                    continue
                p = by_subject.get(shape, {})
                path = first(p, SH + "path")
                if path is None or not path.startswith("http"):
                    continue
                label = first(p, SH + "name") or _words(path)
                if label.startswith("http"):
                    label = _words(path)
                out.setdefault((path, target), Term(
                    path, vocabulary, "property", label, target,
                    first(p, SH + "description") or "", first(p, SH + "datatype"),
                    first(p, SH + "class")))
    return tuple(sorted(out.values(), key=lambda t: (t.iri, t.domain or "")))


@cache
def lexicon() -> dict[str, tuple[str, ...]]:
    """Folded word -> the English words it stands for (``vocabularies/core/lexicon.tsv``)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in (CORE_DIR / "lexicon.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, english = line.partition("\t")
        out[word.strip()] = tuple(english.split())
    return out
