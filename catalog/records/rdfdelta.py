"""The RDF delta of two versions of a record: triples added and removed, blank-node aware.

Ground triples are compared as sets and the triples with blank nodes as connected components up
to isomorphism (each component canonicalised alone with RDFC-1.0), so renumbered blank-node
labels are no change; a component that changed at all is removed and added whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import pyoxigraph as ox

from catalog.rdfio import parse_canonical


@dataclass(frozen=True)
class RdfDelta:
    """N-Triples lines (without the line break) only in the new version, only in the old one."""

    added: list[str]
    removed: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def rdf_delta(old_canonical: str, new_canonical: str) -> RdfDelta:
    """Triples added and removed between two canonical N-Triples texts, blank-node aware."""
    old_ground, old_groups = _partition(old_canonical)
    new_ground, new_groups = _partition(new_canonical)
    removed, added = old_ground - new_ground, new_ground - old_ground
    for groups, others, into in ((old_groups, new_groups, removed),
                                 (new_groups, old_groups, added)):
        extra = Counter(f for f, _ in groups) - Counter(f for f, _ in others)
        for form, lines in groups:
            if extra[form]:
                extra[form] -= 1
                into.update(lines)
    return RdfDelta(added=sorted(added), removed=sorted(removed))


# --- words --------------------------------------------------------------------------------
def _partition(canonical: str) -> tuple[set[str], list[tuple[str, list[str]]]]:
    """Ground lines, and per blank-node component its canonical form and its own lines."""
    ground: set[str] = set()
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with_blanks: list[ox.Triple] = []
    for t in parse_canonical(canonical):
        blanks = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        if not blanks:
            ground.add(f"{t} .")
            continue
        with_blanks.append(t)
        parent[root(blanks[-1])] = root(blanks[0])
    groups: dict[str, list[ox.Triple]] = {}
    for t in with_blanks:
        b = next(n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode))
        groups.setdefault(root(b.value), []).append(t)
    out = []
    for triples in groups.values():
        ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                        for t in triples)
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        out.append(("\n".join(sorted(str(q.triple) for q in ds)), [f"{t} ." for t in triples]))
    return ground, out
