"""The semantic asset (ADMS-AP): its plain JSON and its one mapping to and from RDF.

An asset is an ``adms:Asset`` (a schema, code list, ontology, mapping, service description: the
ADMS asset-type list) published by an institution. Its parts have IRIs under the asset's:
distributions (``<asset>/distribution/{n}``, each file with its media type, size, SPDX checksum
and the hub's download URL), operations (``<asset>/operation/{name}``) and elements
(``<asset>/element/...``, ``<asset>/type/...``, ``<asset>/schema/...``: see
:mod:`catalog.records.elements`). The root's flat fields map declaratively
(:class:`~catalog.records.mapping.FieldMapping`); the parts are written here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import quote

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field

from catalog.namespaces import ADMS, DCAT, DCT, OWL, RDF_TYPE, RDFS, SC, SPDX, XSD
from catalog.records.elements import Element, Operation
from catalog.records.mapping import Field as Mapped
from catalog.records.mapping import FieldMapping

ASSET_CLASS = ADMS + "Asset"
ASSET_CODE = r"[A-Za-z0-9][A-Za-z0-9._-]{1,62}"
ASSET_TYPES = ("Schema", "CodeList", "Ontology", "DomainModel", "Mapping",
               "ServiceDescription", "CoreComponent", "InformationExchangePackageDescription",
               "NameAuthorityList", "SyntaxEncodingScheme", "Taxonomy", "Thesaurus")
ASSET_TYPE = "http://purl.org/adms/assettype/"
ASSET_STATUS = "http://purl.org/adms/status/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"


class Distribution(BaseModel):
    """One file of the asset, served by the hub."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="The file's name in the asset's bundle.")
    media_type: str = Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$")
    byte_size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SPDX checksum (SHA-256).")
    download_url: str | None = None


class Asset(BaseModel):
    """A semantic asset and, when harvested, its operations and elements."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=f"^{ASSET_CODE}$")
    type: str = Field(description="ADMS asset type, e.g. "
                      "http://purl.org/adms/assettype/ServiceDescription")
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    publisher: str = Field(description="The institution that owns the asset.")
    asset_status: str | None = Field(default=None, description="ADMS status, e.g. "
                                     "http://purl.org/adms/status/Completed")
    version_info: str | None = None
    previous_version: str | None = None
    next_version: str | None = None
    latest_version: str | None = None
    license: str | None = None
    themes: list[str] = Field(default_factory=list)
    issued: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    modified: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    used_by: list[str] = Field(default_factory=list, description="Services and records that "
                               "use the asset (dct:isReferencedBy).")
    distributions: list[Distribution] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    elements: list[Element] = Field(default_factory=list)


class _Head(BaseModel):
    """The root's flat fields (mapped declaratively)."""

    code: str
    type: str
    title: dict[str, str]
    description: dict[str, str] = Field(default_factory=dict)
    keywords: dict[str, list[str]] = Field(default_factory=dict)
    publisher: str
    asset_status: str | None = None
    version_info: str | None = None
    previous_version: str | None = None
    next_version: str | None = None
    latest_version: str | None = None
    license: str | None = None
    themes: list[str] = Field(default_factory=list)
    issued: str | None = None
    modified: str | None = None
    used_by: list[str] = Field(default_factory=list)


_HEAD = FieldMapping(_Head, ASSET_CLASS, [
    Mapped("code", DCT + "identifier", "code"),
    Mapped("type", DCT + "type", "iri"),
    Mapped("title", DCT + "title", "langmap"),
    Mapped("description", DCT + "description", "langmap"),
    Mapped("keywords", DCAT + "keyword", "langlists"),
    Mapped("publisher", DCT + "publisher", "iri"),
    Mapped("asset_status", ADMS + "status", "iri"),
    Mapped("version_info", OWL + "versionInfo", "text"),
    Mapped("previous_version", ADMS + "prev", "iri"),
    Mapped("next_version", ADMS + "next", "iri"),
    Mapped("latest_version", ADMS + "last", "iri"),
    Mapped("license", DCT + "license", "iri"),
    Mapped("themes", DCAT + "theme", "iris"),
    Mapped("issued", DCT + "issued", "typed", XSD + "date"),
    Mapped("modified", DCT + "modified", "typed", XSD + "date"),
    Mapped("used_by", DCT + "isReferencedBy", "iris"),
])

#: every property the mapping writes on the asset's root besides the flat fields
HAS_ELEMENT, HAS_OPERATION, DISTRIBUTION = SC + "hasElement", SC + "hasOperation", \
    DCAT + "distribution"
ELEMENT_CLASS, OPERATION_CLASS = SC + "DataElement", SC + "Operation"


def part_iri(asset_iri: str, path: str) -> str:
    """The IRI of an element or operation (``path``: ``element/a/b``, ``operation/x``)."""
    return f"{asset_iri}/{quote(path, safe='/~-._')}"


def _lit(value: str) -> ox.Literal:
    return ox.Literal(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


class AssetMapping:
    """:class:`Asset` <-> the triples of its record."""

    def to_triples(self, record: Asset, iri: str) -> list[ox.Triple]:
        head = _Head.model_validate(record.model_dump(include=set(_Head.model_fields)))
        out = _HEAD.to_triples(head, iri)
        root = ox.NamedNode(iri)
        a = ox.NamedNode(RDF_TYPE)
        for n, d in enumerate(record.distributions, 1):
            s = ox.NamedNode(f"{iri}/distribution/{n}")
            c = ox.NamedNode(f"{iri}/distribution/{n}/checksum")
            out += [ox.Triple(root, ox.NamedNode(DISTRIBUTION), s),
                    ox.Triple(s, a, ox.NamedNode(DCAT + "Distribution")),
                    ox.Triple(s, ox.NamedNode(DCT + "title"), _lit(d.name)),
                    ox.Triple(s, ox.NamedNode(DCAT + "mediaType"),
                              ox.NamedNode(IANA_MEDIA + d.media_type)),
                    ox.Triple(s, ox.NamedNode(DCAT + "byteSize"), ox.Literal(
                        str(d.byte_size), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))),
                    ox.Triple(s, ox.NamedNode(SPDX + "checksum"), c),
                    ox.Triple(c, a, ox.NamedNode(SPDX + "Checksum")),
                    ox.Triple(c, ox.NamedNode(SPDX + "algorithm"),
                              ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
                    ox.Triple(c, ox.NamedNode(SPDX + "checksumValue"), ox.Literal(
                        d.sha256, datatype=ox.NamedNode(XSD + "hexBinary")))]
            if d.download_url:
                out += [ox.Triple(s, ox.NamedNode(DCAT + "downloadURL"),
                                  ox.NamedNode(d.download_url)),
                        ox.Triple(s, ox.NamedNode(DCAT + "accessURL"),
                                  ox.NamedNode(d.download_url))]
        for op in record.operations:
            s = ox.NamedNode(part_iri(iri, op.path))
            out += [ox.Triple(root, ox.NamedNode(HAS_OPERATION), s),
                    ox.Triple(s, a, ox.NamedNode(OPERATION_CLASS)),
                    ox.Triple(s, ox.NamedNode(RDFS + "label"), _lit(op.name))]
            for field, value in (("method", op.method), ("target", op.target),
                                 ("documentation", op.documentation)):
                if value:
                    out.append(ox.Triple(s, ox.NamedNode(_OP_TEXT[field]), _lit(value)))
            for field in ("input", "output", "header"):
                out += [ox.Triple(s, ox.NamedNode(SC + field), _lit(v))
                        for v in getattr(op, field)]
        for e in record.elements:
            s = ox.NamedNode(part_iri(iri, e.path))
            out += [ox.Triple(root, ox.NamedNode(HAS_ELEMENT), s),
                    ox.Triple(s, a, ox.NamedNode(ELEMENT_CLASS)),
                    ox.Triple(s, ox.NamedNode(DCT + "identifier"), _lit(e.path)),
                    ox.Triple(s, ox.NamedNode(RDFS + "label"), _lit(e.name))]
            if e.datatype:
                out.append(ox.Triple(s, ox.NamedNode(SC + "datatype"), _lit(e.datatype)))
            if e.min_occurs != 1:
                out.append(ox.Triple(s, ox.NamedNode(SC + "minOccurs"), _int(e.min_occurs)))
            if e.max_occurs is None:
                out.append(ox.Triple(s, ox.NamedNode(SC + "maxOccurs"), _lit("unbounded")))
            elif e.max_occurs != 1:
                out.append(ox.Triple(s, ox.NamedNode(SC + "maxOccurs"), _int(e.max_occurs)))
            if e.documentation:
                out.append(ox.Triple(s, ox.NamedNode(DCT + "description"),
                                     _lit(e.documentation)))
            if e.namespace:
                out.append(ox.Triple(s, ox.NamedNode(SC + "namespace"), _lit(e.namespace)))
        return out

    def from_triples(self, triples: Iterable[ox.Triple], iri: str) -> Asset:
        triples = list(triples)
        head = _HEAD.from_triples(triples, iri)
        props: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = \
            defaultdict(lambda: defaultdict(list))
        for t in triples:
            if isinstance(t.subject, ox.NamedNode):
                props[t.subject.value][t.predicate.value].append(t.object)  # type: ignore[arg-type]
        root = props.get(iri, {})

        def one(subject: str, predicate: str) -> str | None:
            values = props.get(subject, {}).get(predicate, [])
            return values[0].value if values else None

        def many(subject: str, predicate: str) -> list[str]:
            return sorted(v.value for v in props.get(subject, {}).get(predicate, []))

        distributions = []
        for node in sorted((v.value for v in root.get(DISTRIBUTION, [])), key=_by_number):
            checksum = one(node, SPDX + "checksum") or ""
            media = one(node, DCAT + "mediaType") or ""
            distributions.append(Distribution(
                name=one(node, DCT + "title") or "", media_type=media.removeprefix(IANA_MEDIA),
                byte_size=int(one(node, DCAT + "byteSize") or 0),
                sha256=(one(checksum, SPDX + "checksumValue") or "").lower(),
                download_url=one(node, DCAT + "downloadURL")))
        operations = []
        for node in sorted(v.value for v in root.get(HAS_OPERATION, [])):
            operations.append(Operation(
                name=one(node, RDFS + "label") or "", method=one(node, _OP_TEXT["method"]),
                target=one(node, _OP_TEXT["target"]),
                documentation=one(node, _OP_TEXT["documentation"]),
                input=many(node, SC + "input"), output=many(node, SC + "output"),
                header=many(node, SC + "header")))
        elements = []
        for node in (v.value for v in root.get(HAS_ELEMENT, [])):
            most = one(node, SC + "maxOccurs")
            elements.append(Element(
                path=one(node, DCT + "identifier") or "", name=one(node, RDFS + "label") or "",
                datatype=one(node, SC + "datatype"),
                min_occurs=int(one(node, SC + "minOccurs") or 1),
                max_occurs=None if most == "unbounded" else int(most or 1),
                documentation=one(node, DCT + "description"),
                namespace=one(node, SC + "namespace")))
        elements.sort(key=lambda e: e.path)
        return Asset(**head.model_dump(), distributions=distributions,
                     operations=sorted(operations, key=lambda o: o.name), elements=elements)


_OP_TEXT = {"method": SC + "httpMethod", "target": SC + "pathTemplate",
            "documentation": DCT + "description"}


def _by_number(iri: str) -> tuple[int, str]:
    tail = iri.rsplit("/", 1)[-1]
    return (int(tail) if tail.isdigit() else 0, iri)


def normalised(asset: Asset) -> Asset:
    """The asset as its mapping reads it back (operations by name, elements by path, the
    messages of each operation sorted): what a harvest stores and shows."""
    ops = sorted((o.model_copy(update={"input": sorted(o.input), "output": sorted(o.output),
                                       "header": sorted(o.header)}) for o in asset.operations),
                 key=lambda o: o.name)
    return asset.model_copy(update={"operations": ops,
                                    "elements": sorted(asset.elements, key=lambda e: e.path)})

