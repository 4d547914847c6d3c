"""JSON Schema (and the schemas of an OpenAPI document): properties as elements, with their
types, cardinalities and descriptions; documents read from JSON or YAML under caps.

``$ref`` is followed inside the document (``#/...``) and to other files of the bundle (a
relative location, through :meth:`Bundle.resolve`: a URL is refused); a schema reached again
along its own path is listed once (recursion terminates), trees are cut at
:data:`MAX_DEPTH`. YAML anchors and aliases are refused (they expand without bound).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from adapters.definitions.bundle import Bundle
from adapters.definitions.xsd import MAX_DEPTH, MAX_ELEMENTS, Collector
from catalog.errors import InvalidInput, UnsafeInput
from catalog.gates import decode_utf8
from catalog.records.elements import Definition, Element

MAX_NESTING = 64
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _depth(value: Any, limit: int, what: str) -> None:
    stack = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if level > limit:
            raise InvalidInput.of("assets.too_deep", value=what, limit=limit)
        if isinstance(node, dict):
            stack += [(v, level + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, level + 1) for v in node]


def load_document(data: bytes, what: str) -> Any:
    """A JSON or YAML document: UTF-8, no YAML aliases, nesting capped."""
    text = decode_utf8(data, what=what)
    try:
        if text.lstrip().startswith(("{", "[")):
            doc = json.loads(text)
        else:
            for event in yaml.parse(text, Loader=_Loader):
                if isinstance(event, yaml.AliasEvent):
                    raise UnsafeInput.of("assets.yaml_alias", value=what)
            doc = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        raise InvalidInput.of("assets.bad_definition", value=what,
                              reason=" ".join(str(exc).split())[:300]) from None
    _depth(doc, MAX_NESTING, what)
    return doc


class Schemas:
    """Walks JSON schemas into elements; ``$ref`` resolved in the bundle."""

    def __init__(self, bundle: Bundle, main: str, doc: Any, out: Collector) -> None:
        self.bundle, self.out = bundle, out
        self.docs: dict[str, Any] = {main: doc}

    def resolve(self, ref: str, base: str) -> tuple[str, str, Any]:
        """(file, pointer, schema) that ``ref`` names from the file ``base``."""
        location, _, pointer = ref.partition("#")
        name = base
        if location:
            name, data = self.bundle.read(location, base)
            if name not in self.docs:
                self.docs[name] = load_document(data, name)
        node = self.docs[name]
        for token in [t for t in pointer.split("/") if t]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise InvalidInput.of("assets.bad_definition", value=base,
                                      reason=f"$ref {ref[:200]} names nothing")
        return name, pointer, node

    def deref(self, schema: Any, base: str, seen: tuple[str, ...]
              ) -> tuple[Any, str, str | None, tuple[str, ...]]:
        """The schema a ``$ref`` names (followed through chains), its file, its name (the
        last token of the pointer) and the refs seen; a ref seen before is not followed."""
        name = None
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            target, pointer, found = self.resolve(ref, base)
            key = f"{target}#{pointer.rstrip('/')}"
            name = pointer.rsplit("/", 1)[-1] or None
            if key in seen:
                return None, target, name or self.title(target), seen
            seen, base, schema = (*seen, key), target, found
        return schema, base, name, seen

    def title(self, name: str) -> str:
        doc = self.docs.get(name)
        title = doc.get("title") if isinstance(doc, Mapping) else None
        return str(title) if title else name.rsplit("/", 1)[-1].split(".", 1)[0]

    def walk(self, path: str, schema: Any, base: str, seen: tuple[str, ...]) -> None:
        if path.count("/") > MAX_DEPTH or not isinstance(schema, Mapping):
            return
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in [schema, *[s for key in ("allOf",) for s in schema.get(key) or []]]:
            part, part_base, _, part_seen = self.deref(part, base, seen)
            if isinstance(part, Mapping):
                props.update({k: (v, part_base, part_seen)
                              for k, v in (part.get("properties") or {}).items()
                              if isinstance(k, str)})
                required |= {r for r in part.get("required") or [] if isinstance(r, str)}
        for key, (raw, prop_base, prop_seen) in props.items():
            many = False
            target, target_base, ref_name, target_seen = self.deref(raw, prop_base, prop_seen)
            if isinstance(target, Mapping) and target.get("type") == "array":
                many = True
                target, target_base, ref_name, target_seen = self.deref(
                    target.get("items"), target_base, target_seen)
            child = self.out.add(Element(
                path=f"{path}/{key}", name=key,
                datatype=ref_name or _type_of(target), min_occurs=1 if key in required else 0,
                max_occurs=None if many else 1, documentation=_text(raw, target)))
            self.walk(child, target, target_base, target_seen)

    def root(self, name: str, schema: Any, base: str, pointer: str = "") -> None:
        target, target_base, _, seen = self.deref(schema, base, (f"{base}#{pointer}",))
        path = self.out.add(Element(path=f"schema/{name}", name=name,
                                    datatype=_type_of(target), documentation=_text(target)))
        self.walk(path, target, target_base, seen)


def _type_of(schema: Any) -> str | None:
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "|".join(str(k) for k in kind)
    fmt = schema.get("format")
    if kind and fmt:
        return f"{kind}({fmt})"
    return str(kind) if kind else None


def _text(*schemas: Any) -> str | None:
    for s in schemas:
        if isinstance(s, Mapping):
            text = s.get("description") or s.get("title")
            if isinstance(text, str) and text.strip():
                return " ".join(text.split())[:2000]
    return None


def read_jsonschema(bundle: Bundle, main: str, doc: Any = None, *,
                    limit: int = MAX_ELEMENTS) -> Definition:
    """The properties of the JSON Schema ``main`` (and of the definitions it holds)."""
    doc = load_document(bundle.files[main], main) if doc is None else doc
    if not isinstance(doc, Mapping):
        raise InvalidInput.of("assets.unknown_format", value=main)
    out = Collector(limit)
    walker = Schemas(bundle, main, doc, out)
    title = doc.get("title")
    stem = main.rsplit("/", 1)[-1].split(".", 1)[0]
    walker.root(str(title).replace("/", "-") if isinstance(title, str) and title else stem,
                doc, main)
    for key in ("$defs", "definitions"):
        for name, schema in (doc.get(key) or {}).items():
            walker.root(str(name), schema, main, f"/{key}/{name}")
    return Definition(format="jsonschema", main=main, elements=list(out.elements.values()))
