"""Kinds of record as data: one declaration per kind, and the registry a catalogue is built with.

A kind says everything the generic machinery needs to publish, review, version, diff, audit,
search, dump and dereference its records: its name and labels, the class of its root resource,
the family of its IRIs, where its code and its owning institution are read, its JSON model and
RDF mapping (optional: reference data is RDF only), its shapes, what its search document holds,
its place in an import and the path segment of its REST routes. Adding a kind is a declaration
(plus its shapes and model), not new copies of publishing, history, intake or routes.

The registry is built per catalogue (:class:`Kinds`), never a process-global: a test declares a
kind of its own and builds a catalogue with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox
from pydantic import BaseModel

from catalog.errors import ConfigurationError, InvalidInput
from catalog.messages import Localized
from catalog.namespaces import ADMS, DCT, PROV
from catalog.records.ids import IriFamily

#: What the hub itself knows of a record, so that no client may state it on the record's root:
#: its workflow status (``adms:status``), the dates of its versions (created, submitted,
#: accepted, issued, modified), who owns it (``dct:publisher``), who wrote it
#: (``dct:creator``) and where it came from (every ``prov:`` property). The ledger keeps
#: them. An IRI ending in ``#`` stands for its whole namespace. A kind whose code or owner
#: predicate is one of them (an asset's ``dct:publisher``) takes it from the client.
SERVER_OWNED: frozenset[str] = frozenset({
    ADMS + "status", DCT + "created", DCT + "dateSubmitted", DCT + "dateAccepted",
    DCT + "issued", DCT + "modified", DCT + "publisher", DCT + "creator", PROV})


class CsvCodec(Protocol):
    """A kind's CSV layout (the passport's: docs/csv.md)."""

    def export(self, records: Sequence[Any]) -> bytes: ...


class RdfMapping(Protocol):
    """The one JSON <-> RDF mapping of a kind's model."""

    def to_triples(self, record: Any, iri: str) -> list[ox.Triple]: ...

    def from_triples(self, triples: Iterable[ox.Triple], iri: str) -> Any: ...


#: a record's triples by subject
BySubject = dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]]


def group_by_subject(triples: Sequence[ox.Triple]) -> BySubject:
    """The triples of a record by subject (quoted triples as subjects left out)."""
    out: BySubject = {}
    for t in triples:
        if not isinstance(t.subject, ox.Triple):
            out.setdefault(t.subject, []).append(t)
    return out


@dataclass(frozen=True)
class SearchField:
    """One field of a kind's search document: the texts reached from the record's root by a
    path of predicates (the last one's literals), e.g. ``(cpsv:hasInput, dct:title)``."""

    name: str  # title | keywords | description | evidence | outputs
    path: tuple[str, ...]
    many: bool = False  # every text in a language (keywords), not one per language

    def texts(self, iri: str, triples: Sequence[ox.Triple] | BySubject
              ) -> list[tuple[str, str]]:
        """(language, text) reached from ``iri``: resources along the path in IRI order; one
        text per language and resource (the last), or, with ``many``, every one, sorted.
        ``triples`` may come grouped already (:func:`by_subject`: once for every field)."""
        by_subject = triples if isinstance(triples, dict) else group_by_subject(triples)
        nodes: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
        for step in self.path[:-1]:
            nodes = sorted({t.object for n in nodes for t in by_subject.get(n, [])
                            if t.predicate.value == step
                            and isinstance(t.object, ox.NamedNode | ox.BlankNode)},
                           key=lambda node: (isinstance(node, ox.BlankNode), node.value))
        out: list[tuple[str, str]] = []
        for n in nodes:
            found: dict[str, list[str]] = {}
            for t in by_subject.get(n, []):
                if t.predicate.value == self.path[-1] and isinstance(t.object, ox.Literal):
                    lang = t.object.language or ""
                    if self.many:
                        found.setdefault(lang, []).append(t.object.value)
                    else:
                        found.pop(lang, None)  # the last one, in its place
                        found[lang] = [t.object.value]
            out += [(lang, text) for lang, texts in found.items()
                    for text in (sorted(texts) if self.many else texts)]
        return out


@dataclass(frozen=True)
class SearchSpec:
    """What the search index holds of a record: texts by field (ranked in the order of
    :data:`catalog.projections.search.documents.FIELDS`)."""

    fields: tuple[SearchField, ...]

    def __post_init__(self) -> None:
        if not any(f.name == "title" for f in self.fields):
            raise ConfigurationError.of("kinds.search_title")


@dataclass(frozen=True)
class RecordKind:
    """The declaration of one kind of record."""

    name: str  # "service": the ledger's record kind, the word in feeds and reports
    root_class: str  # the class of the record's root resource
    iris: IriFamily  # the record IRIs of this kind, under the base IRI
    labels: Mapping[str, str]  # the kind in ro, en, ru ("serviciu public", ...)
    code_predicate: str | None = None  # the literal that holds the record's code
    code_pattern: str | None = None  # what a code looks like (a regex, fully matched)
    code_example: str | None = None
    #: the IRI of the organisation that owns the record (an institution edits only its own);
    #: None: reference data, which only an admin (or an operator, the loader) writes
    authority_predicate: str | None = None
    #: the record IS an institution: its code is the institution's code, its name (this
    #: predicate's first literal) the institution's name
    institution_name: str | None = None
    #: SHACL files of the kind (names in ``shapes/``, or paths): the hub refuses to start
    #: when one is missing or holds no shape
    shapes: tuple[str, ...] = ()
    model: type[BaseModel] | None = None
    mapping: RdfMapping | None = None
    #: ro/en labels of the model's fields (for diffs), when the model's own are not enough
    field_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    search: SearchSpec | None = None
    csv: CsvCodec | None = None
    import_order: int = 9  # reference data first: records that point to it validate
    path: str | None = None  # REST: /api/v1/{path}; None: no routes of its own
    #: besides the resources under its IRI (``<root>/...``), the record holds the resources
    #: that are ``skos:inScheme`` of it (a code list's concepts)
    members_in_scheme: bool = False
    #: each member's own search document (a code list's concepts), searched within its record
    member_search: SearchSpec | None = None
    member_code_predicate: str | None = None  # the literal that is a member's code (notation)
    #: properties the server owns on the record's root: refused when a client sends them
    server_owned: frozenset[str] = SERVER_OWNED
    #: a variant of the kind of that name: records of the same root class read another way
    #: (harvested from another catalogue), validated against this kind's shapes alone (not
    #: the union of the others'); never picked by class when RDF is cut into records: only a
    #: reader that knows where the records come from declares it
    variant_of: str | None = None
    #: most triples one record of the kind may hold, when more than the setting
    #: ``max_record_triples`` (a harvested asset holds every element of its definition)
    max_triples: int | None = None

    def __post_init__(self) -> None:
        if (self.model is None) != (self.mapping is None):
            raise ConfigurationError.of("kinds.model_without_mapping", kind_name=self.name)
        if self.path is not None and (self.code_predicate is None or self.model is None
                                      or not self.iris.mintable):
            raise ConfigurationError.of("kinds.routes_need", kind_name=self.name)

    # codes ---------------------------------------------------------------------------
    @property
    def reference(self) -> bool:
        """Reference data: validation keeps its whole description at hand."""
        return self.authority_predicate is None

    def check_code(self, code: str) -> str:
        if self.code_pattern is not None and not re.fullmatch(self.code_pattern, code):
            noun = {**self.labels, "en": "service"} if self.name == "service" else self.labels
            raise InvalidInput.of(
                "kinds.bad_code", field="code", value=code, noun=Localized(noun),
                expected=f"e.g. {self.code_example or 'a code'} (^{self.code_pattern}$)")
        return code

    def owned_by_server(self, predicate: str) -> bool:
        """Whether the hub, not a client, states ``predicate`` on a record's root."""
        if predicate in (self.code_predicate, self.authority_predicate):
            return False
        return predicate in self.server_owned or any(
            ns.endswith("#") and predicate.startswith(ns) for ns in self.server_owned)

    def iri(self, base: str, code: str) -> str:
        return self.iris.mint(base, code=code)

    # reading a record's content ----------------------------------------------------------
    def first_literal(self, iri: str, predicate: str | None,
                      triples: Sequence[ox.Triple]) -> str | None:
        if predicate is None:
            return None
        root = ox.NamedNode(iri)
        return next((t.object.value for t in triples if t.subject == root
                     and t.predicate.value == predicate and isinstance(t.object, ox.Literal)),
                    None)

    def code_of(self, iri: str, triples: Sequence[ox.Triple]) -> str | None:
        return self.first_literal(iri, self.code_predicate, triples)

    def authority_of(self, iri: str, triples: Sequence[ox.Triple]) -> str | None:
        """The organisation that owns the record (for an institution: itself)."""
        if self.institution_name is not None:
            return iri
        if self.authority_predicate is None:
            return None
        root = ox.NamedNode(iri)
        return next((t.object.value for t in triples if t.subject == root
                     and t.predicate.value == self.authority_predicate
                     and isinstance(t.object, ox.NamedNode)), None)

    def to_json(self, iri: str, triples: Iterable[ox.Triple]) -> dict[str, Any]:
        """The record's plain JSON (its model's), for kinds that have a model."""
        assert self.mapping is not None
        model: BaseModel = self.mapping.from_triples(triples, iri)
        return model.model_dump(mode="json", exclude_none=True)


class Kinds:
    """The kinds one catalogue knows, by name, root class and path segment."""

    def __init__(self, kinds: Iterable[RecordKind]) -> None:
        self._by_name: dict[str, RecordKind] = {}
        for k in kinds:
            if k.name in self._by_name:
                raise ConfigurationError.of("kinds.declared_twice", kind_name=k.name)
            self._by_name[k.name] = k
        plain = [k for k in self._by_name.values() if k.variant_of is None]
        self._by_class = {k.root_class: k for k in plain}
        self._by_path = {k.path: k for k in self._by_name.values() if k.path}
        if len(self._by_class) != len(plain):
            raise ConfigurationError.of("kinds.shared_root_class")

    def __iter__(self) -> Iterator[RecordKind]:
        return iter(sorted(self._by_name.values(), key=lambda k: (k.import_order, k.name)))

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> RecordKind:
        try:
            return self._by_name[name]
        except KeyError:
            raise InvalidInput.of("kinds.unknown", field="kind", value=name,
                                  expected=", ".join(self._by_name)) from None

    def get(self, name: str) -> RecordKind | None:
        return self._by_name.get(name)

    def of_class(self, iri: str) -> RecordKind | None:
        return self._by_class.get(iri)

    def of_types(self, types: Iterable[str]) -> RecordKind | None:
        for t in types:
            if t in self._by_class:
                return self._by_class[t]
        return None

    def by_path(self, path: str) -> RecordKind | None:
        return self._by_path.get(path)

    @property
    def root_classes(self) -> dict[str, str]:
        return {k.root_class: k.name for k in self._by_name.values()}

    def order(self, name: str) -> int:
        k = self._by_name.get(name)
        return k.import_order if k is not None else 99

    def with_(self, *more: RecordKind) -> Kinds:
        """These kinds and ``more`` (a catalogue built for a test, a later issue's kinds)."""
        return Kinds([*self._by_name.values(), *more])
