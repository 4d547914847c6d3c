"""Harvest: a definition file, or a zip bundle of them, read into one :class:`Definition`.

The format is told by content, not by name: XML whose root is ``wsdl:definitions`` or
``xs:schema``, a JSON or YAML document with ``openapi``/``swagger`` (OpenAPI) or a JSON Schema
(``$schema``, ``properties``, ``$defs``, ``definitions``). In a bundle the definitions to start
from are the WSDLs, else the XML Schemas that no other file of the bundle imports, else the
OpenAPI documents, else the JSON Schemas; the rest is what they import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from adapters.definitions.bundle import Bundle, parse_xml
from adapters.definitions.jsonschema import load_document, read_jsonschema
from adapters.definitions.openapi import read_openapi
from adapters.definitions.sandbox import XML_SUFFIXES
from adapters.definitions.wsdl import read_wsdl
from adapters.definitions.xsd import MAX_ELEMENTS, Collector, read_xsd
from catalog.errors import InvalidInput
from catalog.records.elements import Definition

_WSDL = "{http://schemas.xmlsoap.org/wsdl/}definitions"
_XSD = "{http://www.w3.org/2001/XMLSchema}schema"
_LOCATION = re.compile(rb"""schemaLocation\s*=\s*["']([^"']+)["']""")
_REF = re.compile(rb"""["']?\$ref["']?\s*:\s*["']([^"'#][^"']*)["']""")
_ORDER = ("wsdl", "xsd", "openapi", "jsonschema")


def _kind(name: str, data: bytes) -> tuple[str | None, Any]:
    """The format of one file (None: not a definition) and its parsed JSON/YAML document."""
    if name.startswith("_mapped/"):
        return None, None  # the schemas the hub ships, read only when imported
    head = data.lstrip()[:1]
    if head == b"<" or name.lower().endswith(XML_SUFFIXES):
        root = parse_xml(data, what=name)
        return {_WSDL: "wsdl", _XSD: "xsd"}.get(str(root.tag)), None
    lowered = name.lower()
    if not lowered.endswith((".json", ".yaml", ".yml")) and head not in (b"{", b"["):
        return None, None
    doc = load_document(data, name)
    if not isinstance(doc, Mapping):
        return None, doc
    if "openapi" in doc or "swagger" in doc:
        return "openapi", doc
    if any(k in doc for k in ("$schema", "properties", "$defs", "definitions", "type")):
        return "jsonschema", doc
    return None, doc


def _imported(bundle: Bundle) -> set[str]:
    """Files of the bundle another file imports or includes (XML Schema ``schemaLocation``,
    a JSON Schema's ``$ref`` to another file)."""
    out = set()
    for name, data in bundle.files.items():
        for location in [*_LOCATION.findall(data),
                         *(r.split(b"#", 1)[0] for r in _REF.findall(data))]:
            if not location:
                continue
            try:
                out.add(bundle.resolve(location.decode("utf-8", "replace"), name))
            except InvalidInput:
                continue  # reported when the importing file is read
    return out


def harvest(bundle: Bundle, *, what: str = "the definition",
            limit: int = MAX_ELEMENTS) -> Definition:
    """The operations and elements of the definitions ``bundle`` starts from, as one."""
    found: dict[str, list[tuple[str, Any]]] = {k: [] for k in _ORDER}
    for name in sorted(bundle.files):
        kind, doc = _kind(name, bundle.files[name])
        if kind is not None:
            found[kind].append((name, doc))
    imported = _imported(bundle)
    for kind in ("xsd", "jsonschema"):  # the roots of what imports what
        found[kind] = [f for f in found[kind] if f[0] not in imported] or found[kind][:1]
    kind = next((k for k in _ORDER if found[k]), None)
    if kind is None:
        names = [n for n in bundle.files if not n.startswith("_mapped/")]
        if len(names) == 1:
            raise InvalidInput.of("assets.unknown_format", value=names[0])
        raise InvalidInput.of("assets.nothing_to_harvest", value=what)
    parts: list[Definition] = []
    for name, doc in found[kind]:
        if kind == "wsdl":
            parts.append(read_wsdl(bundle, name, limit=limit))
        elif kind == "xsd":
            parts.append(read_xsd(bundle, name, limit=limit))
        elif kind == "openapi":
            parts.append(read_openapi(bundle, name, doc, limit=limit))
        else:
            parts.append(read_jsonschema(bundle, name, doc, limit=limit))
    return _joined(parts, limit)


def _joined(parts: list[Definition], limit: int) -> Definition:
    if len(parts) == 1:
        return parts[0]
    out = Collector(limit)
    seen: set[str] = set()
    operations = []
    for part in parts:
        for element in part.elements:
            if element.path not in out.elements:
                out.add(element)
        for op in part.operations:
            if op.name not in seen:
                seen.add(op.name)
                operations.append(op)
    return Definition(format=parts[0].format, main=parts[0].main, operations=operations,
                      elements=list(out.elements.values()))


def bundle_of(files: Mapping[str, bytes]) -> Bundle:
    """One uploaded file, or a zip archive (told by its first bytes), as a bundle."""
    if len(files) == 1:
        data = next(iter(files.values()))
        if data[:4] == b"PK\x03\x04":
            return Bundle.from_zip(data)
    return Bundle.of_files(files)
