"""The elements of a harvested definition, and what changed between two versions of them.

A definition (WSDL, XSD, OpenAPI, JSON Schema) is read by ``adapters/definitions`` into
:class:`Element` and :class:`Operation` values; they are part of an asset record, each a
resource with its own IRI under the asset's (``<asset>/{path}``). A path starts with what the
top of its tree is, then the names down the tree:

- ``element/getRandomResponse/data``: an XSD global element and its children;
- ``type/XRoadClientIdentifierType/memberCode``: an XSD global complex type and its children;
- ``schema/Pet/category/name``: an OpenAPI component schema or a JSON Schema and its properties;
- ``operation/bodyMassIndex``: a WSDL or OpenAPI operation (:class:`Operation`).

:func:`diff_elements` compares two versions: each change is ``added``, ``removed``,
``type_changed`` or ``cardinality_changed``, and ``breaking`` when a client written for the old
version may fail with the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: what the top of an element's tree is (the first segment of its path)
ROOTS = ("element", "type", "schema")


class Element(BaseModel):
    """One element of a definition: a node of an element, type or schema tree."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    path: str = Field(description="`element/...`, `type/...` or `schema/...` then the names "
                      "down the tree; the element's IRI is the asset's IRI, `/`, the path.")
    name: str
    datatype: str | None = Field(default=None, description="The type's name (`xs:string`, "
                                 "`tns:Pet`, `integer`); none for an anonymous type.")
    min_occurs: int = Field(default=1, ge=0)
    max_occurs: int | None = Field(default=1, ge=0, description="None: unbounded.")
    documentation: str | None = None
    namespace: str | None = None

    @property
    def depth(self) -> int:
        return self.path.count("/")


class Operation(BaseModel):
    """A WSDL operation (input, output and header elements) or an OpenAPI one (method, path,
    request and response schemas)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    method: str | None = Field(default=None, description="HTTP method of a REST operation.")
    target: str | None = Field(default=None, description="URL path template of a REST operation.")
    input: list[str] = Field(default_factory=list, description="Element paths, or the "
                             "qualified names of elements the definition imports.")
    output: list[str] = Field(default_factory=list)
    header: list[str] = Field(default_factory=list)
    documentation: str | None = None

    @property
    def path(self) -> str:
        return f"operation/{self.name}"


class ElementChange(BaseModel):
    """One difference between two versions' elements or operations."""

    model_config = ConfigDict(frozen=True)
    path: str
    change: Literal["added", "removed", "type_changed", "cardinality_changed",
                    "messages_changed"]
    before: str | None = None
    after: str | None = None
    breaking: bool


def _card(e: Element) -> str:
    return f"{e.min_occurs}..{'*' if e.max_occurs is None else e.max_occurs}"


def _narrower(old: Element, new: Element) -> bool:
    """The new cardinality refuses something the old one accepted."""
    old_max = float("inf") if old.max_occurs is None else old.max_occurs
    new_max = float("inf") if new.max_occurs is None else new.max_occurs
    return new.min_occurs > old.min_occurs or new_max < old_max


def diff_elements(old: Sequence[Element], new: Sequence[Element],
                  old_ops: Sequence[Operation] = (), new_ops: Sequence[Operation] = ()
                  ) -> list[ElementChange]:
    """What changed from ``old`` to ``new``, by path. Breaking: a removed element or
    operation, a changed type, a narrower cardinality, a new required child of an element that
    was there (a sender written for the old version omits it), an operation whose messages
    changed. Compatible: a new
    optional element, a new top-level element or operation, a wider cardinality."""
    before = {e.path: e for e in old}
    after = {e.path: e for e in new}
    out: list[ElementChange] = []
    for path in sorted(before.keys() | after.keys()):
        a, b = before.get(path), after.get(path)
        if a is None and b is not None:
            parent = path.rsplit("/", 1)[0]
            out.append(ElementChange(path=path, change="added", after=_card(b),
                                     breaking=b.depth > 1 and b.min_occurs > 0
                                     and parent in before))
        elif b is None and a is not None:
            out.append(ElementChange(path=path, change="removed", before=_card(a),
                                     breaking=True))
        elif a is not None and b is not None:
            if a.datatype != b.datatype:
                out.append(ElementChange(path=path, change="type_changed",
                                         before=a.datatype, after=b.datatype, breaking=True))
            if _card(a) != _card(b):
                out.append(ElementChange(path=path, change="cardinality_changed",
                                         before=_card(a), after=_card(b),
                                         breaking=_narrower(a, b)))
    ops_a = {o.path: o for o in old_ops}
    ops_b = {o.path: o for o in new_ops}
    for path in sorted(ops_a.keys() | ops_b.keys()):
        oa, ob = ops_a.get(path), ops_b.get(path)
        if oa is None:
            out.append(ElementChange(path=path, change="added", breaking=False))
        elif ob is None:
            out.append(ElementChange(path=path, change="removed", breaking=True))
        elif (oa.input, oa.output, oa.header, oa.method, oa.target) != \
                (ob.input, ob.output, ob.header, ob.method, ob.target):
            out.append(ElementChange(path=path, change="messages_changed",
                                     before=_messages(oa), after=_messages(ob), breaking=True))
    return out


def _messages(op: Operation) -> str:
    return (f"in {', '.join(op.input) or '-'}; out {', '.join(op.output) or '-'}; "
            f"header {', '.join(op.header) or '-'}")


class Definition(BaseModel):
    """What a harvest read from one definition: its format, the file it started from, its
    operations and elements."""

    model_config = ConfigDict(frozen=True)
    format: Literal["wsdl", "xsd", "openapi", "jsonschema"]
    main: str
    operations: list[Operation] = Field(default_factory=list)
    elements: list[Element] = Field(default_factory=list)
