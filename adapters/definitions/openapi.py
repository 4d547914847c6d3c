"""OpenAPI 3 (and Swagger 2): operations (method, path, request and response schemas, header
parameters) and component schemas with their properties, as elements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.definitions.bundle import Bundle
from adapters.definitions.jsonschema import Schemas, load_document
from adapters.definitions.xsd import MAX_ELEMENTS, Collector
from catalog.errors import InvalidInput
from catalog.records.elements import Definition, Operation

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _schema_ref(schema: Any) -> str | None:
    """``schema/Name`` for a ``$ref`` to a component schema, else the schema's type."""
    if not isinstance(schema, Mapping):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return "schema/" + ref.rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        inner = _schema_ref(schema.get("items"))
        return f"{inner}[]" if inner else "array"
    kind = schema.get("type")
    return str(kind) if kind else None


def _bodies(holder: Any) -> list[str]:
    """Schemas of a request body or a response (OpenAPI 3 ``content``, Swagger 2 ``schema``)."""
    if not isinstance(holder, Mapping):
        return []
    out = []
    if "schema" in holder:
        ref = _schema_ref(holder["schema"])
        if ref:
            out.append(ref)
    for media in (holder.get("content") or {}).values():
        ref = _schema_ref(media.get("schema") if isinstance(media, Mapping) else None)
        if ref and ref not in out:
            out.append(ref)
    return out


def _local(doc: Any, holder: Any) -> Any:
    """``holder``, or what its local ``$ref`` names (a shared request body, response or
    parameter); a ref elsewhere is left as it is."""
    ref = holder.get("$ref") if isinstance(holder, Mapping) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return holder
    node = doc
    for token in ref[2:].split("/"):
        node = node.get(token.replace("~1", "/").replace("~0", "~")) \
            if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else holder


def _operation(doc: Any, method: str, target: str, op: Mapping[str, Any],
               shared: list[Any]) -> Operation:
    inputs: list[str] = []
    headers: list[str] = []
    for raw in [*shared, *(op.get("parameters") or [])]:
        param = _local(doc, raw)
        if not isinstance(param, Mapping):
            continue
        if "$ref" in param:
            inputs.append("parameter/" + str(param["$ref"]).rsplit("/", 1)[-1])
            continue
        where, name = str(param.get("in", "")), str(param.get("name", ""))
        if where == "body":
            inputs += _bodies(param)
        elif where == "header":
            headers.append(f"header:{name}")
        else:
            inputs.append(f"{where}:{name}")
    inputs += _bodies(_local(doc, op.get("requestBody")))
    outputs: list[str] = []
    for status, response in (op.get("responses") or {}).items():
        if str(status).startswith("2"):
            outputs += [b for b in _bodies(_local(doc, response)) if b not in outputs]
    op_id = op.get("operationId")
    text = op.get("summary") or op.get("description")
    return Operation(name=str(op_id) if op_id else f"{method.upper()} {target}",
                     method=method.upper(), target=target, input=inputs, output=outputs,
                     header=headers,
                     documentation=" ".join(str(text).split())[:2000] if text else None)


def read_openapi(bundle: Bundle, main: str, doc: Any = None, *,
                 limit: int = MAX_ELEMENTS) -> Definition:
    """Operations and component schemas of the OpenAPI document ``main``."""
    doc = load_document(bundle.files[main], main) if doc is None else doc
    if not isinstance(doc, Mapping) or not ("openapi" in doc or "swagger" in doc):
        raise InvalidInput.of("assets.unknown_format", value=main)
    operations = []
    for target, item in (doc.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        shared = list(item.get("parameters") or [])
        for method in METHODS:
            if isinstance(item.get(method), Mapping):
                operations.append(_operation(doc, method, str(target), item[method], shared))
    out = Collector(limit)
    walker = Schemas(bundle, main, doc, out)
    components = doc.get("components") or {}
    schemas = (components.get("schemas") if isinstance(components, Mapping) else None) \
        or doc.get("definitions") or {}
    where = "/components/schemas" if isinstance(components, Mapping) and \
        components.get("schemas") else "/definitions"
    for name, schema in schemas.items():
        walker.root(str(name), schema, main, f"{where}/{name}")
    return Definition(format="openapi", main=main, operations=operations,
                      elements=list(out.elements.values()))
