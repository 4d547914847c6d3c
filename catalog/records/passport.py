"""The service passport as plain JSON, and its one mapping to and from RDF (CPSV-AP 3.2.0).

The JSON shape is :class:`Passport`; ``to_triples`` and ``from_triples`` are the only place
that knows which RDF property carries which field. Child resources get IRIs under the
service's IRI (``<service>/evidence/1``), which is how ownership is checked on RDF as well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, field_validator

from catalog.namespaces import CPSV, CV, DCAT, DCT, EU_AUTHORITY, RDF_TYPE, SC, SCHEMA, XSD
from catalog.records.codes import CodeField

LangMap = dict[str, str]
CODE_PATTERN = r"^[A-Z][A-Z0-9]{1,9}-[0-9]{4,6}$"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(description="Local name under the service IRI, e.g. `evidence/1`.")
    identifier: str
    title: LangMap = Field(default_factory=dict)
    description: LangMap = Field(default_factory=dict)


class Requirement(_Part):
    pass


class Evidence(_Part):
    type: str | None = Field(None, description="Evidence-type concept IRI.")
    obtained_by_authority: bool | None = Field(
        None, description="Once-only: the authority fetches it from a registry itself.")
    registry_source: LangMap = Field(
        default_factory=dict, description="Name of the registry the evidence comes from.")
    data_service: str | None = Field(
        default=None, description="The registry data service that supplies it (IRI, "
        "sc:dataService).")
    data_element: str | None = Field(
        default=None, description="The element of that service's description that carries "
        "it (IRI, sc:dataElement).")


class Output(_Part):
    type: str | None = None


class Cost(_Part):
    value: float = Field(ge=0)
    currency: str


class Channel(_Part):
    type: str = Field(description="Channel-type concept IRI.")
    owned_by: str | None = None
    locations: list[str] = Field(default_factory=list)
    url: str | None = Field(None, description="Where to apply: an http, https, mailto or tel "
                            "link.")

    @field_validator("url")
    @classmethod
    def _a_link_people_may_follow(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().lower().startswith(
                ("http://", "https://", "mailto:", "tel:")):
            raise ValueError("a link must start with http://, https://, mailto: or tel:")
        return value


class Passport(BaseModel):
    """A service passport: the fields of the national profile of CPSV-AP 3.2.0."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE_PATTERN)
    title: LangMap
    description: LangMap = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    competent_authority: str
    legal_resources: list[str] = Field(default_factory=list)
    audiences: list[str] = Field(default_factory=list)
    life_events: list[str] = Field(default_factory=list)
    thematic_areas: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    spatial: list[str] = Field(default_factory=list)
    related_services: list[str] = Field(default_factory=list)
    processing_time: str | None = Field(None, description="ISO 8601 duration, e.g. P10D.")
    requirements: list[Requirement] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    outputs: list[Output] = Field(default_factory=list)
    costs: list[Cost] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)


_LIST_FIELDS = {
    "legal_resources": CV + "hasLegalResource",
    "audiences": DCT + "audience",
    "life_events": CV + "isGroupedBy",
    "thematic_areas": CV + "thematicArea",
    "languages": DCT + "language",
    "spatial": DCT + "spatial",
    "related_services": CV + "relatedService",
}
_PARTS: dict[str, tuple[str, str, type[_Part]]] = {
    "requirements": (CV + "holdsRequirement", CV + "Requirement", Requirement),
    "evidence": (CPSV + "hasInput", CV + "Evidence", Evidence),
    "outputs": (CPSV + "produces", CV + "Output", Output),
    "costs": (CV + "hasCost", CV + "Cost", Cost),
    "channels": (CV + "hasChannel", CV + "Channel", Channel),
}


#: The coded fields of a passport: JSON path (``*``: any part) -> the code lists it takes.
CODED_FIELDS: dict[str, CodeField] = {
    "audiences": CodeField(("audience",)),
    "life_events": CodeField(("life-event", "business-event")),
    "thematic_areas": CodeField(("thematic-area",)),
    "languages": CodeField(("eu-authorities",), EU_AUTHORITY + "language/"),
    "evidence.*.type": CodeField(("evidence-type",)),
    "costs.*.currency": CodeField(("eu-authorities",), EU_AUTHORITY + "currency/"),
    "channels.*.type": CodeField(("channel-type",)),
}
#: Every field whose values are IRIs (one or a list), by JSON path.
IRI_FIELDS = ("competent_authority", *_LIST_FIELDS, "evidence.*.type", "evidence.*.data_service",
              "evidence.*.data_element", "outputs.*.type", "costs.*.currency",
              "channels.*.type", "channels.*.owned_by", "channels.*.locations")
_SERVICE_FIELDS = {DCT + "identifier": "code", DCT + "title": "title",
                   DCT + "description": "description", DCAT + "keyword": "keywords",
                   CV + "hasCompetentAuthority": "competent_authority",
                   CV + "processingTime": "processing_time",
                   **{pred: name for name, pred in _LIST_FIELDS.items()},
                   **{link: name for name, (link, _c, _m) in _PARTS.items()}}
#: the predicate of each field on the service resource (field -> predicate)
FIELD_PREDICATES = {name: pred for pred, name in _SERVICE_FIELDS.items()}
_PART_FIELDS = {DCT + "identifier": "identifier", DCT + "title": "title",
                DCT + "description": "description", DCT + "type": "type",
                SC + "obtainedByAuthority": "obtained_by_authority",
                SC + "registrySource": "registry_source", SC + "dataService": "data_service",
                SC + "dataElement": "data_element", CV + "hasValue": "value",
                CV + "currency": "currency", CV + "ownedBy": "owned_by",
                DCT + "spatial": "locations", SCHEMA + "url": "url"}
_TEXT_FIELDS = frozenset({"title", "description", "registry_source"})


def field_path(p: Passport, iri: str, focus: str, predicate: str | None,
               shape: str | None = None) -> str | None:
    """The JSON path of what a SHACL result points at (``title.ro``, ``costs.0.currency``),
    from its focus node and path; a shape named for one language (``...-title-en``) points at
    that language's text. None when the result is about something else."""
    lang = shape.rsplit("-", 1)[-1] if shape and shape.rsplit("-", 1)[-1] in (
        "ro", "en", "ru") else None
    if focus == iri:
        name = _SERVICE_FIELDS.get(predicate or "")
        where = name
    else:
        where, name = None, _PART_FIELDS.get(predicate or "")
        for group in _PARTS:
            for n, part in enumerate(getattr(p, group)):
                if focus == f"{iri}/{part.key}":
                    where = f"{group}.{n}" + (f".{name}" if name else "")
        if where is None:
            return None
    if where is None:
        return None
    return f"{where}.{lang}" if lang and name in _TEXT_FIELDS else where


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _texts(s: ox.NamedNode, p: str, values: LangMap) -> Iterable[ox.Triple]:
    for lang, text in values.items():
        yield ox.Triple(s, _nn(p), ox.Literal(text, language=lang) if lang else ox.Literal(text))


def to_triples(p: Passport, iri: str) -> list[ox.Triple]:
    s = _nn(iri)
    out = [ox.Triple(s, _nn(RDF_TYPE), _nn(CPSV + "PublicService")),
           ox.Triple(s, _nn(DCT + "identifier"), ox.Literal(p.code))]
    out += _texts(s, DCT + "title", p.title)
    out += _texts(s, DCT + "description", p.description)
    for lang, words in p.keywords.items():
        out += [ox.Triple(s, _nn(DCAT + "keyword"),
                          ox.Literal(w, language=lang) if lang else ox.Literal(w)) for w in words]
    out.append(ox.Triple(s, _nn(CV + "hasCompetentAuthority"), _nn(p.competent_authority)))
    for name, pred in _LIST_FIELDS.items():
        out += [ox.Triple(s, _nn(pred), _nn(v)) for v in getattr(p, name)]
    if p.processing_time:
        out.append(ox.Triple(s, _nn(CV + "processingTime"),
                             ox.Literal(p.processing_time, datatype=_nn(XSD + "duration"))))
    for name, (link, cls, _model) in _PARTS.items():
        for part in getattr(p, name):
            c = _nn(f"{iri}/{part.key}")
            out.append(ox.Triple(s, _nn(link), c))
            out.append(ox.Triple(c, _nn(RDF_TYPE), _nn(cls)))
            out.append(ox.Triple(c, _nn(DCT + "identifier"), ox.Literal(part.identifier)))
            out += _texts(c, DCT + "title", part.title)
            out += _texts(c, DCT + "description", part.description)
            out += _part_triples(c, part)
    return out


def _part_triples(c: ox.NamedNode, part: _Part) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    if isinstance(part, (Evidence, Output)) and part.type:
        out.append(ox.Triple(c, _nn(DCT + "type"), _nn(part.type)))
    if isinstance(part, Evidence):
        if part.obtained_by_authority is not None:
            out.append(ox.Triple(c, _nn(SC + "obtainedByAuthority"), ox.Literal(
                "true" if part.obtained_by_authority else "false",
                datatype=_nn(XSD + "boolean"))))
        out += _texts(c, SC + "registrySource", part.registry_source)
        if part.data_service:
            out.append(ox.Triple(c, _nn(SC + "dataService"), _nn(part.data_service)))
        if part.data_element:
            out.append(ox.Triple(c, _nn(SC + "dataElement"), _nn(part.data_element)))
    if isinstance(part, Cost):
        out.append(ox.Triple(c, _nn(CV + "hasValue"),
                             ox.Literal(repr(float(part.value)), datatype=_nn(XSD + "double"))))
        out.append(ox.Triple(c, _nn(CV + "currency"), _nn(part.currency)))
    if isinstance(part, Channel):
        out.append(ox.Triple(c, _nn(DCT + "type"), _nn(part.type)))
        if part.owned_by:
            out.append(ox.Triple(c, _nn(CV + "ownedBy"), _nn(part.owned_by)))
        out += [ox.Triple(c, _nn(DCT + "spatial"), _nn(loc)) for loc in part.locations]
        if part.url:
            out.append(ox.Triple(c, _nn(SCHEMA + "url"),
                                 ox.Literal(part.url, datatype=_nn(XSD + "anyURI"))))
    return out


class _Index:
    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = \
            defaultdict(list)
        for t in triples:
            if isinstance(t.subject, ox.NamedNode):
                self.by[(t.subject.value, t.predicate.value)].append(t.object)  # type: ignore[arg-type]

    def iris(self, s: str, p: str) -> list[str]:
        return sorted(o.value for o in self.by[(s, p)] if isinstance(o, ox.NamedNode))

    def text(self, s: str, p: str) -> str | None:
        vals = [o.value for o in self.by[(s, p)] if isinstance(o, ox.Literal)]
        return vals[0] if vals else None

    def langs(self, s: str, p: str) -> LangMap:
        return {o.language or "": o.value for o in self.by[(s, p)]
                if isinstance(o, ox.Literal)}


def from_triples(triples: Iterable[ox.Triple], iri: str) -> Passport:
    ix = _Index(triples)
    keywords: dict[str, list[str]] = defaultdict(list)
    for o in ix.by[(iri, DCAT + "keyword")]:
        if isinstance(o, ox.Literal):
            keywords[o.language or ""].append(o.value)
    data: dict[str, object] = {
        "code": ix.text(iri, DCT + "identifier") or "",
        "title": ix.langs(iri, DCT + "title"),
        "description": ix.langs(iri, DCT + "description"),
        "keywords": {k: sorted(v) for k, v in keywords.items()},
        "competent_authority": (ix.iris(iri, CV + "hasCompetentAuthority") or [""])[0],
        "processing_time": ix.text(iri, CV + "processingTime"),
    }
    for name, pred in _LIST_FIELDS.items():
        data[name] = ix.iris(iri, pred)
    for name, (link, _cls, model) in _PARTS.items():
        parts = []
        for child in ix.iris(iri, link):
            key = child[len(iri) + 1:] if child.startswith(iri + "/") else child
            item: dict[str, object] = {
                "key": key,
                "identifier": ix.text(child, DCT + "identifier") or "",
                "title": ix.langs(child, DCT + "title"),
                "description": ix.langs(child, DCT + "description"),
            }
            if model in (Evidence, Output):
                item["type"] = next(iter(ix.iris(child, DCT + "type")), None)
            if model is Evidence:
                flag = ix.text(child, SC + "obtainedByAuthority")
                item["obtained_by_authority"] = None if flag is None else flag == "true"
                item["registry_source"] = ix.langs(child, SC + "registrySource")
                item["data_service"] = next(iter(ix.iris(child, SC + "dataService")), None)
                item["data_element"] = next(iter(ix.iris(child, SC + "dataElement")), None)
            if model is Cost:
                item["value"] = float(ix.text(child, CV + "hasValue") or 0)
                item["currency"] = (ix.iris(child, CV + "currency") or [""])[0]
            if model is Channel:
                item["type"] = (ix.iris(child, DCT + "type") or [""])[0]
                item["owned_by"] = next(iter(ix.iris(child, CV + "ownedBy")), None)
                item["locations"] = ix.iris(child, DCT + "spatial")
                item["url"] = ix.text(child, SCHEMA + "url")
            parts.append(item)
        data[name] = sorted(parts, key=lambda d: str(d["key"]))
    return Passport.model_validate(data)


class PassportMapping:
    """The passport's mapping as a kind declares it (:class:`catalog.records.kinds.RdfMapping`)."""

    def to_triples(self, record: Passport, iri: str) -> list[ox.Triple]:
        return to_triples(record, iri)

    def from_triples(self, triples: Iterable[ox.Triple], iri: str) -> Passport:
        return from_triples(triples, iri)
