"""Cutting a harvested graph into records by the links from each record's root, not by IRI.

Another country's catalogue names its evidence, requirements, channels and organisations as it
likes (``http://www.provincia.tn.it/hcp/...`` beside the service ``http://www.provincia.tn.it/
p_TN_1586``), so :mod:`catalog.records.split`'s rule (a resource belongs to the root its IRI is
under) cuts nothing there. Here a record is its root (a resource typed with the kind's root
class) and every resource described in the document that the root reaches by following links,
through described resources, without passing through another root.

- **A resource linked from several roots is copied into each of them** (a channel or an
  organisation shared by two services): each record holds the descriptions it was harvested
  with, validates alone and changes alone; the copies are listed in :attr:`Cut.shared`.
- **A link to another root is a reference**: the other service is not copied into this one.
- **A link to a whole the record is part of is a reference** (:data:`UPWARD`: ``dct:isPartOf``,
  2.x's ``cv:isDescribedAt``, to the dataset or catalogue that lists the service): the
  container is not a part of the service, and copying it would make every service answer for
  the container's description.
- **What no root reaches** (a legal act no service cites) belongs to no record: every such
  subject is listed in :attr:`Cut.unowned` and named in the report, none is dropped silently.
- Named graphs carry no meaning here: a harvested dataset is read as the union of its graphs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from catalog.namespaces import DCT, RDF_TYPE
from catalog.records.kinds import RecordKind
from catalog.records.split import RecordDraft

Node = ox.NamedNode | ox.BlankNode
#: links from a part to the whole it belongs to: never followed
UPWARD: frozenset[str] = frozenset({DCT + "isPartOf"})


@dataclass
class Cut:
    """The records of a document, and what was shared or left out."""

    records: list[RecordDraft]
    #: resource -> the roots whose records hold a copy of it (two or more)
    shared: dict[str, list[str]] = field(default_factory=dict)
    #: subjects described in the document that no root reaches (IRIs, or ``_:label``)
    unowned: list[str] = field(default_factory=list)


def _name(node: Node) -> str:
    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"


def cut_by_links(triples: Sequence[ox.Triple], kind: RecordKind) -> Cut:
    """One record per resource typed ``kind.root_class``, in document order."""
    by_subject: dict[Node, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.NamedNode | ox.BlankNode):
            by_subject[t.subject].append(t)
    roots: dict[ox.NamedNode, None] = {}
    for t in triples:
        if t.predicate.value == RDF_TYPE and t.object == ox.NamedNode(kind.root_class) \
                and isinstance(t.subject, ox.NamedNode):
            roots.setdefault(t.subject, None)
    holders: dict[Node, list[str]] = defaultdict(list)
    records: list[RecordDraft] = []
    for root in roots:
        draft = RecordDraft(root.value, kind.name, declared=kind)
        seen: set[Node] = {root}
        queue: list[Node] = [root]
        while queue:
            node = queue.pop()
            for t in by_subject.get(node, ()):
                draft.triples.append(t)
                o = t.object
                if t.predicate.value == RDF_TYPE or t.predicate.value in UPWARD \
                        or not isinstance(o, ox.NamedNode | ox.BlankNode):
                    continue
                if o in seen or o in roots or o not in by_subject:
                    continue
                seen.add(o)
                queue.append(o)
        for node in seen:
            if node != root:
                holders[node].append(root.value)
        records.append(draft)
    reached = set(holders) | set(roots)
    return Cut(
        records=records,
        shared={_name(n): rs for n, rs in holders.items() if len(rs) > 1},
        unowned=sorted(_name(s) for s in by_subject if s not in reached),
    )
