"""The reference projection: what validation knows of the published catalogue, in memory.

Reference records (code lists, organisations, locations, legal acts) in full, other records as
a type stub (so that links to a service check by class), and the institutions by organisation
IRI. It follows the ledger's changes itself, not the store's projection, so a process whose
store another process projects still learns of new organisations, laws and code lists.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pyoxigraph as ox

from catalog import rdfio
from catalog.ledger import ChangeRow, Ledger
from catalog.namespaces import RDF_TYPE, SC
from catalog.records.kinds import Kinds
from catalog.records.template import TemplateIndex
from catalog.validation import ReferenceIndex


class ReferenceProjection:
    name = "references"

    def __init__(self, ledger: Ledger, kinds: Kinds) -> None:
        self.ledger, self.kinds = ledger, kinds
        self.index = ReferenceIndex()
        self.templates = TemplateIndex()  # the editions' entries, as passports derive from them
        self._mark = 0
        self._institutions: dict[str, str] | None = None
        self._lock = threading.Lock()

    # the projection ----------------------------------------------------------------------
    def watermark(self) -> int:
        return self._mark

    def apply(self, rows: Sequence[ChangeRow], since: int) -> bool:
        with self._lock:
            if self._mark != since:
                return False
            if any(self._is_institution(r.kind) for r in rows):
                self._institutions = None  # written here or by another process
            for r in rows:
                if r.op == "publish" and r.content is not None:
                    if self._stub_only(r.kind):  # its classes, read off the text unparsed
                        self.index.put(r.iri, _typed(r.iri, r.content), stub_only=True)
                    else:
                        self.put(r.iri, r.kind, rdfio.parse_canonical(r.content))
                else:
                    self.index.drop(r.iri)
                    self.templates.drop(r.iri)
            self._mark = rows[-1].seq
            return True

    def rebuild(self, ledger: Ledger) -> int:
        """Reference records in full; the others as a type stub, without reading them."""
        mark = ledger.last_seq()  # before reading: replays are harmless
        reference = [k.name for k in self.kinds if k.reference]
        published = ledger.published_records(kinds=reference)
        for iri, (kind, content) in published.items():
            self.put(iri, kind, rdfio.parse_canonical(content))
        count = len(published)
        for k in self.kinds:
            if not k.reference:
                for iri in ledger.published_iris(k.name):
                    self.index.put(iri, [_stub(iri, k.root_class)], stub_only=True)
                    count += 1
        with self._lock:
            self._mark = mark
            self._institutions = None
        return count

    # what writers and validation use -----------------------------------------------------
    def put(self, iri: str, kind: str, triples: Sequence[ox.Triple]) -> None:
        """What the index knows of a record (a published one, or one an import is about to
        publish, so that later records of the import validate against it)."""
        self.index.put(iri, triples, stub_only=self._stub_only(kind))
        if self._is_edition(kind):
            self.templates.put(iri, triples)

    def _stub_only(self, kind: str) -> bool:
        spec = self.kinds.get(kind)
        return spec is None or not spec.reference

    def _is_edition(self, kind: str) -> bool:
        """Whether ``kind``'s records are nomenclature editions (their entries are templates)."""
        spec = self.kinds.get(kind)
        return spec is not None and spec.root_class == SC + "NomenclatureEdition"

    def restore(self, iris: list[str]) -> None:
        """Undo what a failed import put in the index: the published state of ``iris``."""
        for iri in iris:
            self.index.drop(iri)
            self.templates.drop(iri)
        for iri, (kind, content) in self.ledger.published_records(iris=iris).items():
            self.put(iri, kind, rdfio.parse_canonical(content))

    def label(self, iri: str) -> dict[str, str] | None:
        return self.index.label(iri)

    def institutions(self) -> dict[str, str]:
        """Organisation IRI -> institution code, cached until an institution changes."""
        known = self._institutions
        if known is None:
            known = {i.iri: i.code for i in self.ledger.institutions()}
            self._institutions = known
        return known

    def forget_institutions(self) -> None:
        self._institutions = None

    def _is_institution(self, kind: str) -> bool:
        spec = self.kinds.get(kind)
        return spec is not None and spec.institution_name is not None


def _stub(iri: str, root_class: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), ox.NamedNode(root_class))


def _typed(iri: str, canonical: str) -> list[ox.Triple]:
    """The ``rdf:type`` triples of ``iri`` in a version's canonical N-Triples, found in the
    text (one triple a line, a literal's line breaks escaped, IRIs written as they are): all a
    stub needs, without parsing the whole record (~100 triples a passport)."""
    head = f"\n<{iri}> <{RDF_TYPE}> <"
    text = "\n" + canonical
    found: list[ox.Triple] = []
    at = text.find(head)
    while at >= 0:
        end = text.find("\n", at + 1)
        line = text[at + len(head):end if end >= 0 else len(text)]
        if line.endswith("> ."):
            found.append(_stub(iri, line[:-3]))
        at = text.find(head, at + 1)
    return found
