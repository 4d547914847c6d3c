"""What a passport's legal basis is on a date: for each act, article or consolidated version it
cites, the act it belongs to, its dates (entry into force, no longer in force), whether it is in
force on the date, what repealed it, and the consolidated version applicable then (ELI:
``eli:first_date_entry_in_force``, ``eli:date_no_longer_in_force``, ``eli:repealed_by``,
``eli:consolidates`` with ``eli:date_applicability``).

It reads the legal acts as the check projection holds them (each act's record whole: the act,
its articles, its consolidated versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from catalog.checks.projection import CheckProjection
from catalog.namespaces import DCT, ELI, RDF_TYPE

_P = {name: ox.NamedNode(ELI + name) for name in (
    "is_part_of", "consolidates", "first_date_entry_in_force", "date_no_longer_in_force",
    "repealed_by", "date_applicability", "version_date", "title")}


@dataclass
class LegalStatus:
    cited: str
    known: bool
    kind: str = "act"  # act | article | version
    act: str | None = None
    title: dict[str, str] = field(default_factory=dict)
    act_title: dict[str, str] = field(default_factory=dict)
    entry_into_force: str | None = None
    no_longer_in_force: str | None = None
    in_force: bool | None = None
    repealed_by: str | None = None
    version_in_force: str | None = None
    versions: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _values(store: ox.Store, s: ox.NamedNode, p: ox.NamedNode) -> list[str]:
    return sorted(q.object.value for q in store.quads_for_pattern(s, p, None)
                  if isinstance(q.object, ox.NamedNode | ox.Literal))


def _titles(store: ox.Store, s: ox.NamedNode) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in (ox.NamedNode(DCT + "title"), _P["title"]):
        for q in store.quads_for_pattern(s, p, None):
            if isinstance(q.object, ox.Literal) and q.object.language:
                out.setdefault(q.object.language, q.object.value)
    return out


def legal_status(projection: CheckProjection, cited: str, on: date) -> LegalStatus:
    """The status of one cited act, article or version on ``on``."""
    with projection.lock:
        store = projection.store
        node = ox.NamedNode(cited)
        if not any(store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE),
                                           ox.NamedNode(ELI + "LegalResource"))):
            return LegalStatus(cited, known=False)
        status = LegalStatus(cited, known=True, title=_titles(store, node))
        act = node
        if parent := _values(store, node, _P["is_part_of"]):
            status.kind, act = "article", ox.NamedNode(parent[0])
        elif base := _values(store, node, _P["consolidates"]):
            status.kind, act = "version", ox.NamedNode(base[0])
        status.act, status.act_title = act.value, _titles(store, act)
        entry = _values(store, act, _P["first_date_entry_in_force"])
        end = (_values(store, node, _P["date_no_longer_in_force"]) if status.kind == "article"
               else []) or _values(store, act, _P["date_no_longer_in_force"])
        status.entry_into_force = entry[0] if entry else None
        status.no_longer_in_force = end[0] if end else None
        status.in_force = ((status.entry_into_force is None
                            or status.entry_into_force <= on.isoformat())
                           and (status.no_longer_in_force is None
                                or status.no_longer_in_force > on.isoformat()))
        repealed = _values(store, act, _P["repealed_by"])
        status.repealed_by = repealed[0] if repealed else None
        for q in store.quads_for_pattern(None, _P["consolidates"], act):
            v = q.subject
            if not isinstance(v, ox.NamedNode):
                continue
            applies = _values(store, v, _P["date_applicability"]) or _values(
                store, v, _P["version_date"])
            status.versions.append({"iri": v.value, "from": applies[0] if applies else ""})
        status.versions.sort(key=lambda x: x["from"])
        applicable = [x["iri"] for x in status.versions if x["from"] <= on.isoformat()]
        status.version_in_force = applicable[-1] if applicable else None
        return status


__all__ = ["LegalStatus", "legal_status"]
