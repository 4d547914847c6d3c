"""The check projection: the facts of every published record (:mod:`catalog.checks.facts`) in an
in-memory Oxigraph store, one named graph per record, following the ledger's change sequence.

It is a :class:`~catalog.projections.Projection` like the others (watermark, apply, rebuild):
one publish replaces one record's graph, so the rules never wait for a rebuild, and ``semcat
rebuild`` makes it again from the ledger. A what-if run lays drafts over it for the length of
one run (:meth:`CheckProjection.overlay`) and puts the published facts back.

A passport's facts are those of its effective passport (:mod:`catalog.records.template`: what it
leaves empty, its entry in the edition in force today gives), so that a passport inheriting its
legal basis is not "without legal basis"; when an edition changes, the facts of the passports
whose codes it lists are made again from their published versions.

The one join of texts the rules need (evidence a service asks for = the output another issues)
is kept here, not left to the query: Oxigraph joins two patterns on a shared literal by a
nested loop (measured: 6.9 s at 3,000 services, ~115 s at 10,000), so the projection indexes
the folded keys of evidence and outputs and keeps their matches as ``k:issuedBy`` triples in a
graph of their own, updated with each record.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

import pyoxigraph as ox
from sqlalchemy import func
from sqlmodel import col, select

from catalog import rdfio
from catalog.checks.facts import F, facts
from catalog.checks.near import NearTitles
from catalog.ledger import Change, ChangeRow, Ledger, Record
from catalog.ledger.db import read_session
from catalog.namespaces import DCT, SC
from catalog.queries import BoundQuery
from catalog.records.kinds import Kinds, RecordKind
from catalog.records.passport import Passport
from catalog.records.split import RecordDraft
from catalog.records.template import TemplateIndex, effective_triples

Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]
MATCHES = ox.NamedNode("urn:semcat:checks:matches")


class _Join:
    """A join of two kinds of fact on their literal keys, kept as link triples: each subject of
    a ``left`` fact is linked (``link``) to each subject of a ``right`` fact with the same key,
    in another record (evidence -> the service that issues it; a passport -> its entry)."""

    def __init__(self, left: str, right: str, link: str) -> None:
        self.left, self.right = ox.NamedNode(F + left), ox.NamedNode(F + right)
        self.link = ox.NamedNode(F + link)
        self.lefts: dict[str, set[tuple[str, str]]] = {}  # key -> {(record, subject)}
        self.rights: dict[str, set[tuple[str, str]]] = {}
        self.of: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}

    def _quad(self, subject: str, target: str) -> ox.Quad:
        return ox.Quad(ox.NamedNode(subject), self.link, ox.NamedNode(target), MATCHES)

    def drop(self, iri: str) -> list[ox.Quad]:
        """Forget ``iri``'s keys; the link triples that go with them."""
        lefts, rights = self.of.pop(iri, ([], []))
        gone: list[ox.Quad] = []
        for key, s in lefts:
            self.lefts.get(key, set()).discard((iri, s))
            gone += [self._quad(s, t) for rec, t in self.rights.get(key, ()) if rec != iri]
        for key, t in rights:
            self.rights.get(key, set()).discard((iri, t))
            gone += [self._quad(s, t) for rec, s in self.lefts.get(key, ()) if rec != iri]
        return gone

    def add(self, iri: str, triples: Sequence[ox.Triple]) -> list[ox.Quad]:
        """Learn ``iri``'s keys; the link triples they make."""
        lefts = [(t.object.value, t.subject.value) for t in triples if t.predicate == self.left
                 and isinstance(t.object, ox.Literal) and isinstance(t.subject, ox.NamedNode)]
        rights = [(t.object.value, t.subject.value) for t in triples
                  if t.predicate == self.right and isinstance(t.object, ox.Literal)
                  and isinstance(t.subject, ox.NamedNode)]
        if not lefts and not rights:
            return []
        self.of[iri] = (lefts, rights)
        made: list[ox.Quad] = []
        for key, s in lefts:
            self.lefts.setdefault(key, set()).add((iri, s))
            made += [self._quad(s, t) for rec, t in self.rights.get(key, ()) if rec != iri]
        for key, t in rights:
            self.rights.setdefault(key, set()).add((iri, t))
            made += [self._quad(s, t) for rec, s in self.lefts.get(key, ()) if rec != iri]
        return made


class _Matches:
    """The joins the projection keeps: evidence asked = output issued (``k:issuedBy``), a
    passport's code = an entry of a nomenclature edition (``k:hasEntry``), and the services
    whose titles are near-duplicates (:mod:`catalog.checks.near`)."""

    def __init__(self) -> None:
        self.joins: tuple[_Join | NearTitles, ...] = (
            _Join("key", "outputKey", "issuedBy"), _Join("code", "entryCode", "hasEntry"),
            NearTitles(MATCHES))

    def drop(self, iri: str) -> list[ox.Quad]:
        return [q for j in self.joins for q in j.drop(iri)]

    def add(self, iri: str, triples: Sequence[ox.Triple]) -> list[ox.Quad]:
        return [q for j in self.joins for q in j.add(iri, triples)]


def _published_on(ledger: Ledger) -> dict[str, datetime]:
    """When each record's last publication happened (the passport's last review)."""
    stmt = (select(Record.iri, func.max(col(Change.at)))
            .join(Change, col(Change.record_id) == col(Record.id))
            .where(col(Change.op) == "publish").group_by(Record.iri))
    with read_session(ledger.engine) as s:
        return dict(s.exec(stmt).all())


class CheckProjection:
    name = "checks"
    batch = 2000

    def __init__(self, kinds: Kinds, ledger: Ledger | None = None) -> None:
        self.kinds = kinds
        self.ledger = ledger  # to read derived passports again when their edition changes
        self.store = ox.Store()
        self._matches = _Matches()
        self._mark = 0
        self.lock = threading.RLock()
        self.templates = TemplateIndex()

    # a record's facts ---------------------------------------------------------------------
    def _is_edition(self, kind: RecordKind | None) -> bool:
        return kind is not None and kind.root_class == SC + "NomenclatureEdition"

    def facts_of(self, kind: RecordKind | None, iri: str, triples: Sequence[ox.Triple],
                 at: datetime | None = None) -> list[ox.Triple]:
        """The facts of a record; a passport's, of its effective passport."""
        if kind is not None and kind.model is Passport:
            root = ox.NamedNode(iri)
            code = next((t.object.value for t in triples if t.subject == root
                         and t.predicate.value == DCT + "identifier"
                         and isinstance(t.object, ox.Literal)), None)
            entry = self.templates.entry(code, date.today()) if code else None
            if entry is not None:
                triples = effective_triples(triples, iri, entry.template)[0]
        return facts(kind, iri, triples, at)

    def _derived(self, codes: set[str], skip: set[str]) -> dict[str, list[ox.Triple]]:
        """The facts, made again, of the published passports with ``codes`` (but ``skip``)."""
        if self.ledger is None or not codes:
            return {}
        code_p, time_p = ox.NamedNode(F + "code"), ox.NamedNode(F + "versionTime")
        found: dict[str, datetime | None] = {}
        for code in codes:
            for q in self.store.quads_for_pattern(None, code_p, ox.Literal(code), None):
                if not isinstance(q.subject, ox.NamedNode) or q.subject.value in skip:
                    continue
                iri = q.subject.value
                times = [t.object.value for t in self.store.quads_for_pattern(
                    q.subject, time_p, None, None) if isinstance(t.object, ox.Literal)]
                found[iri] = datetime.fromisoformat(times[0]) if times else None
        published = self.ledger.published_records(iris=sorted(found)) if found else {}
        return {iri: self.facts_of(self.kinds.get(kind), iri, rdfio.parse_canonical(content),
                                   found[iri])
                for iri, (kind, content) in published.items()}

    # the projection ----------------------------------------------------------------------
    def watermark(self) -> int:
        return self._mark

    def apply(self, rows: Sequence[ChangeRow], since: int) -> bool:
        with self.lock:
            if self._mark != since:
                return False
            last: dict[str, ChangeRow] = {r.iri: r for r in rows}  # only the last counts
            editions = [r for r in last.values() if self._is_edition(self.kinds.get(r.kind))]
            codes = self._edition_codes(editions)  # the codes they listed...
            for r in editions:
                if r.op == "publish" and r.content is not None:
                    self.templates.put(r.iri, rdfio.parse_canonical(r.content))
                else:
                    self.templates.drop(r.iri)
            for r in sorted(last.values(), key=lambda r: not self._is_edition(
                    self.kinds.get(r.kind))):
                content = r.content if r.op == "publish" else None
                self.replace(r.iri, None if content is None else self.facts_of(
                    self.kinds.get(r.kind), r.iri, rdfio.parse_canonical(content), r.at))
            codes |= self._edition_codes(editions)  # ...and those they list now
            for iri, derived in self._derived(codes, set(last)).items():
                self.replace(iri, derived)
            self._mark = rows[-1].seq
            return True

    def _edition_codes(self, editions: Sequence[ChangeRow]) -> set[str]:
        """The codes the editions of ``editions`` list, as the projection knows them now."""
        code_p = ox.NamedNode(F + "entryCode")
        return {q.object.value for r in editions for q in self.store.quads_for_pattern(
            None, code_p, None, ox.NamedNode(r.iri)) if isinstance(q.object, ox.Literal)}

    def rebuild(self, ledger: Ledger) -> int:
        mark = ledger.last_seq()  # read before the records: replays are harmless
        published = ledger.published_records()
        dates = _published_on(ledger)
        templates = TemplateIndex()  # the editions first: passports derive from them
        for iri, (kind, content) in published.items():
            if self._is_edition(self.kinds.get(kind)):
                templates.put(iri, rdfio.parse_canonical(content))
        with self.lock:
            self.templates = templates
        records = {iri: self.facts_of(self.kinds.get(kind), iri, rdfio.parse_canonical(content),
                                      dates.get(iri))  # one record parsed at a time
                   for iri, (kind, content) in published.items()}
        with self.lock:
            self.load(records)
            self._mark = mark
        return len(published)

    def load(self, records: dict[str, list[ox.Triple]]) -> None:
        """Make the projection hold exactly ``records`` (IRI -> facts)."""
        store, matches = ox.Store(), _Matches()
        quads: list[ox.Quad] = []
        for iri, triples in records.items():
            g = ox.NamedNode(iri)
            quads += [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
            quads += matches.add(iri, triples)
        store.bulk_extend(quads)
        with self.lock:
            self.store, self._matches = store, matches

    def replace(self, iri: str, triples: Sequence[ox.Triple] | None) -> None:
        """Put the facts of one record in place of its earlier ones (None: drop them)."""
        with self.lock:
            g = ox.NamedNode(iri)
            if self.store.contains_named_graph(g):
                self.store.remove_graph(g)
            for q in self._matches.drop(iri):
                self.store.remove(q)
            if triples:
                self.store.extend([ox.Quad(t.subject, t.predicate, t.object, g)
                                   for t in triples])
                self.store.extend(self._matches.add(iri, triples))

    # reading -----------------------------------------------------------------------------
    def run(self, query: BoundQuery) -> list[Row]:
        """The rows of a rule's query, its values bound by substitution."""
        with self.lock:
            result = self.store.query(query.text, substitutions=query.substitutions(),
                                      use_default_graph_as_union=True)
            assert isinstance(result, ox.QuerySolutions)
            names = [v.value for v in result.variables]
            return [{n: s[n] for n in names if s[n] is not None} for s in result]

    @contextmanager
    def overlay(self, drafts: Sequence[RecordDraft]) -> Iterator[None]:
        """``drafts`` as if published, for one run; the published facts are put back after."""
        with self.lock:
            saved = {d.iri: [q.triple for q in self.store.quads_for_pattern(
                None, None, None, ox.NamedNode(d.iri))] for d in drafts}
            try:
                for d in drafts:
                    self.replace(d.iri, self.facts_of(d.spec, d.iri, d.triples))
                yield
            finally:
                for iri, triples in saved.items():
                    self.replace(iri, triples or None)

    def size(self) -> int:
        return len(self.store)


__all__ = ["MATCHES", "CheckProjection"]
