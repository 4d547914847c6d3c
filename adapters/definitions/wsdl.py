"""WSDL 1.1: its operations (input, output and header elements) and the elements of the schemas
it holds and imports, read by xmlschema's ``Wsdl11Document`` inside the bundle's sandbox."""

from __future__ import annotations

from typing import Any

import xmlschema
from xmlschema.extras.wsdl import Wsdl11Document

from adapters.definitions.bundle import Bundle
from adapters.definitions.sandbox import sandbox
from adapters.definitions.xsd import MAX_ELEMENTS, Collector, collect, own_schemas, xmlschema_errors
from catalog.records.elements import Definition, Operation


def _element_ref(element: Any, paths: dict[Any, str]) -> str:
    """The path of an element the bundle defines, else its qualified name."""
    return paths.get(element.name) or str(element.name)


def _parts(message: Any, paths: dict[Any, str]) -> list[str]:
    if message is None:
        return []
    out = []
    for name, part in message.parts.items():
        out.append(_element_ref(part, paths) if hasattr(part, "prefixed_name")
                   else str(name))
    return out


def _doc(op: Any) -> str | None:
    for child in op.elem:
        if str(child.tag).endswith("}documentation"):
            text = " ".join("".join(child.itertext()).split())
            return text[:2000] or None
    return None


def read_wsdl(bundle: Bundle, main: str, *, limit: int = MAX_ELEMENTS) -> Definition:
    """Operations and elements of the WSDL ``main`` of ``bundle``."""
    with sandbox(bundle) as box:
        try:
            doc = Wsdl11Document(  # type: ignore[no-untyped-call]
                str(box.path(main)), validation="lax", **box.kwargs())
        except (xmlschema.XMLSchemaException, OSError, ValueError, KeyError) as exc:
            raise xmlschema_errors(main)(exc) from None
        out = Collector(limit)
        collect(own_schemas(doc.schema.maps, box), out)
        paths = {(e.namespace and f"{{{e.namespace}}}{e.name}") or e.name: e.path
                 for e in out.elements.values() if e.path.count("/") == 1
                 and e.path.startswith("element/")}
        headers: dict[str, list[str]] = {}
        for binding in doc.bindings.values():
            for key, bop in binding.operations.items():
                found = headers.setdefault(key[0], [])
                for direction in (bop.input, bop.output):
                    for header in getattr(direction, "soap_headers", None) or ():
                        if header.part is not None:
                            ref = _element_ref(header.part, paths)
                            if ref not in found:
                                found.append(ref)
        operations = []
        for port_type in doc.port_types.values():
            for key, op in port_type.operations.items():
                operations.append(Operation(
                    name=str(key[0]),
                    input=_parts(op.input.message if op.input else None, paths),
                    output=_parts(op.output.message if op.output else None, paths),
                    header=headers.get(key[0], []), documentation=_doc(op)))
    return Definition(format="wsdl", main=main, operations=operations,
                      elements=list(out.elements.values()))
