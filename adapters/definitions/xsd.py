"""The elements of XML Schemas: global elements and global complex types, each with the tree of
its children (path, type, cardinality, documentation), read from an xmlschema schema map.

Trees are cut at :data:`MAX_DEPTH` and where a type contains itself (a recursive type is listed
once along a path); a definition with more than :data:`MAX_ELEMENTS` elements is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import xmlschema
from xmlschema.validators import XsdComplexType, XsdElement

from adapters.definitions.bundle import Bundle
from adapters.definitions.sandbox import Sandbox, sandbox
from catalog.errors import InvalidInput, TooLarge
from catalog.records.elements import Definition, Element

MAX_DEPTH = 12
MAX_ELEMENTS = 50_000


class Collector:
    """Elements gathered under unique paths, with the element cap."""

    def __init__(self, limit: int = MAX_ELEMENTS) -> None:
        self.elements: dict[str, Element] = {}
        self.limit = limit

    def add(self, element: Element) -> str:
        path = element.path
        n = 1
        while path in self.elements:  # the same local name in two namespaces
            n += 1
            path = f"{element.path}~{n}"
        if len(self.elements) >= self.limit:
            raise TooLarge.of("assets.too_many_elements", limit=self.limit)
        self.elements[path] = element.model_copy(update={"path": path})
        return path


def _doc(component: Any) -> str | None:
    annotation = getattr(component, "annotation", None)
    if annotation is None:
        return None
    text = " ".join(" ".join(str(d.text or "").split()) for d in annotation.documentation)
    return text[:2000] or None


def _type_name(xsd_type: Any) -> str | None:
    name = getattr(xsd_type, "prefixed_name", None)
    return str(name) if name and getattr(xsd_type, "name", None) else None


def _children(xsd_type: Any) -> Iterable[XsdElement]:
    if not isinstance(xsd_type, XsdComplexType) or not xsd_type.has_complex_content():
        return ()
    content: Any = xsd_type.content
    return [e for e in content.iter_elements() if isinstance(e, XsdElement)]


def _walk(out: Collector, parent: str, xsd_type: Any, seen: tuple[Any, ...]) -> None:
    if parent.count("/") > MAX_DEPTH:
        return
    for child in _children(xsd_type):
        ref_type = child.type
        path = out.add(Element(
            path=f"{parent}/{child.local_name}", name=str(child.local_name),
            datatype=_type_name(ref_type), min_occurs=child.min_occurs,
            max_occurs=child.max_occurs, documentation=_doc(child) or _doc(ref_type),
            namespace=child.target_namespace or None))
        if ref_type not in seen:
            _walk(out, path, ref_type, (*seen, ref_type))


def collect(schemas: Iterable[Any], out: Collector) -> None:
    """Global elements and complex types of ``schemas`` (those of the bundle), with their
    trees, into ``out``."""
    for schema in schemas:
        for element in schema.elements.values():
            path = out.add(Element(path=f"element/{element.local_name}",
                                   name=str(element.local_name),
                                   datatype=_type_name(element.type),
                                   documentation=_doc(element) or _doc(element.type),
                                   namespace=schema.target_namespace or None))
            _walk(out, path, element.type, (element.type,))
        for xsd_type in schema.types.values():
            if not isinstance(xsd_type, XsdComplexType):
                continue
            path = out.add(Element(path=f"type/{xsd_type.local_name}",
                                   name=str(xsd_type.local_name),
                                   datatype=_type_name(xsd_type.base_type),
                                   documentation=_doc(xsd_type),
                                   namespace=schema.target_namespace or None))
            _walk(out, path, xsd_type, (xsd_type,))


def own_schemas(maps: Any, box: Sandbox) -> list[Any]:
    """The schemas read from the bundle's own files (not the ones the hub maps or ships)."""
    out = []
    for schema in maps.iter_schemas():
        if not schema.url:  # a schema inside a WSDL of the bundle
            out.append(schema)
            continue
        name = box.name_of(schema.url)
        if name is not None and not name.startswith("_mapped/"):
            out.append(schema)
    return sorted(out, key=lambda s: (s.url or "", s.target_namespace or ""))


def xmlschema_errors(what: str) -> Callable[[Exception], InvalidInput]:
    def translate(exc: Exception) -> InvalidInput:
        return InvalidInput.of("assets.bad_definition", value=what,
                               reason=" ".join(str(getattr(exc, "message", exc)).split())[:300])
    return translate


def read_xsd(bundle: Bundle, main: str, *, limit: int = MAX_ELEMENTS) -> Definition:
    """The elements of the XML Schema ``main`` of ``bundle`` and of what it includes and
    imports from the bundle."""
    with sandbox(bundle) as box:
        try:
            schema = xmlschema.XMLSchema10(str(box.path(main)), validation="skip",
                                           **box.kwargs())
        except (xmlschema.XMLSchemaException, OSError, ValueError) as exc:
            raise xmlschema_errors(main)(exc) from None
        out = Collector(limit)
        collect(own_schemas(schema.maps, box), out)
    return Definition(format="xsd", main=main, elements=list(out.elements.values()))
