"""What changed in a code list between two of its versions, concept by concept.

- **added**: in the newer version, not in the older;
- **removed**: in the older, not in the newer (a concept should be deprecated rather than
  removed: a removal breaks the data that points to it);
- **deprecated**: deprecated in the newer version and not in the older (with what replaces it);
- **relabelled**: a preferred label added, dropped or changed in some language (ş/ș and ţ/ț
  spellings of one label are the same label);
- **moved**: its broader concepts changed.

Concepts are matched by IRI: a concept is the same concept whatever its labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.codelists.scheme import Concept, Scheme, same_label


@dataclass(frozen=True)
class ConceptRef:
    iri: str
    key: str | None
    labels: dict[str, str]

    @classmethod
    def of(cls, c: Concept) -> ConceptRef:
        return cls(c.iri, c.key, dict(c.labels))


@dataclass(frozen=True)
class Relabelled:
    concept: ConceptRef
    #: language -> (old label or None, new label or None)
    labels: dict[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class Deprecated:
    concept: ConceptRef
    replaced_by: tuple[str, ...]


@dataclass(frozen=True)
class Moved:
    concept: ConceptRef
    broader_before: tuple[str, ...]
    broader_after: tuple[str, ...]


@dataclass(frozen=True)
class SchemeDiff:
    added: tuple[ConceptRef, ...]
    removed: tuple[ConceptRef, ...]
    deprecated: tuple[Deprecated, ...]
    relabelled: tuple[Relabelled, ...]
    moved: tuple[Moved, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.deprecated or self.relabelled
                    or self.moved)


def diff_schemes(old: Scheme, new: Scheme) -> SchemeDiff:
    before, after = old.concepts, new.concepts
    added = tuple(ConceptRef.of(c) for i, c in after.items() if i not in before)
    removed = tuple(ConceptRef.of(c) for i, c in before.items() if i not in after)
    deprecated: list[Deprecated] = []
    relabelled: list[Relabelled] = []
    moved: list[Moved] = []
    for iri, c in after.items():
        was = before.get(iri)
        if was is None:
            continue
        if c.deprecated and not was.deprecated:
            deprecated.append(Deprecated(ConceptRef.of(c), tuple(c.replaced_by)))
        changes: dict[str, tuple[str | None, str | None]] = {}
        for lang in sorted(set(was.labels) | set(c.labels)):
            a, b = was.labels.get(lang), c.labels.get(lang)
            if a is None or b is None or not same_label(a, b):
                changes[lang] = (a, b)
        if changes:
            relabelled.append(Relabelled(ConceptRef.of(c), changes))
        if sorted(was.broader) != sorted(c.broader):
            moved.append(Moved(ConceptRef.of(c), tuple(was.broader), tuple(c.broader)))
    return SchemeDiff(added, removed, tuple(deprecated), tuple(relabelled), tuple(moved))
