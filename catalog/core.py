"""The catalog: the composition of the core's parts, and nothing more.

Settings, the kinds of record, the ledger, the quad store, the validator (the shapes of every
kind, loaded once: :mod:`catalog.shapes` refuses to start without them) and the
projections that follow the ledger (the store, the search index, the reference index). Every
surface (HTTP, CLI, adapters) goes through :class:`Catalog`; writes go through
:class:`catalog.workflow.publishing.Publishing`, the one governed write path.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pyoxigraph as ox

from catalog import rdfio, shapes
from catalog.checks import CheckProjection, Checks
from catalog.errors import (
    Conflict,
    InvalidInput,
    LedgerUnavailable,
    NotFound,
    StoreUnavailable,
)
from catalog.ledger import Ledger
from catalog.ledger.db import create_db_engine, migrate
from catalog.ledger.head import LedgerHead
from catalog.ledger.leases import Lease
from catalog.messages import Localized
from catalog.projections import Follower
from catalog.projections.references import ReferenceProjection
from catalog.projections.search import SearchIndex
from catalog.projections.store import ProjectionStatus, StoreProjection
from catalog.queries import load as named_query
from catalog.queries.browse import Browse
from catalog.records import RecordDraft, split
from catalog.records.builtin import builtin_kinds
from catalog.records.kinds import Kinds
from catalog.records.passport import Passport, from_triples
from catalog.records.template import Entry, TemplateIndex, effective_triples
from catalog.settings import Settings
from catalog.store import QuadStore
from catalog.store.embedded import EmbeddedStore
from catalog.store.remote import RemoteStore
from catalog.validation import ValidationReport, Validator

__all__ = ["Catalog", "open_store"]

log = logging.getLogger(__name__)


def open_store(settings: Settings) -> QuadStore:
    if settings.sparql_url:
        update, gsp = settings.resolved_update_url, settings.resolved_gsp_url
        assert update is not None
        assert gsp is not None
        return RemoteStore(settings.sparql_url, update, gsp)
    return EmbeddedStore(settings.resolved_store_path)


class Catalog:
    def __init__(self, settings: Settings, *, kinds: Kinds | None = None,
                 store: QuadStore | None = None, with_store: bool = True) -> None:
        self.settings = settings
        self.kinds = kinds if kinds is not None else builtin_kinds()
        self.validator = Validator(shapes.profile_shapes(self.kinds),
                                   settings.validation_engine)
        shapes.variants_present(self.kinds)  # a variant kind validates with its shapes alone
        self.engine = create_db_engine(settings.resolved_database_url)
        migrate(self.engine)
        self.ledger = Ledger(self.engine)
        #: the last change sequence number, cheap enough to read per request (answer caches)
        self.head = LedgerHead(self.engine)
        self.store: QuadStore | None = store or (open_store(settings) if with_store else None)
        self.reference_data = ReferenceProjection(self.ledger, self.kinds)
        self.reference_data.rebuild(self.ledger)
        self.references = self.reference_data.index  # what validation looks up
        self.templates: TemplateIndex = self.reference_data.templates
        self.search_index = SearchIndex(self.engine, kinds=self.kinds)
        self.projections = [Follower(self.reference_data, self.ledger),
                            Follower(self.search_index, self.ledger)]
        self._checks: tuple[Checks, Follower] | None = None  # built at its first use
        self._checks_lock = threading.Lock()
        self._checks_started = False
        self.store_projection: Follower | None = None
        if self.store is not None:
            lease = Lease(self.engine, "store")
            projection = StoreProjection(self.store, lease,
                                         update_max_s=settings.store_update_max_s)
            self.store_projection = Follower(projection, self.ledger, lease)
            self.projections.insert(0, self.store_projection)
        self._resume_pending = self.store is not None
        try:
            self.project()
        except LedgerUnavailable:
            raise
        except StoreUnavailable:  # a slow or absent store does not stop the hub: the
            # projector goes on (the rebuild too), /health says what is behind
            log.exception("the store cannot be brought up to the ledger now; will retry")

    def _resume_rebuild(self) -> None:
        """A store rebuild killed mid-way is made again before anything else."""
        assert self.store_projection is not None
        try:
            if self.store_projection.resume():
                log.warning("a store rebuild had not finished: it was made again")
        except Conflict:  # another process holds the store: it will
            pass
        self._resume_pending = False

    # identifiers --------------------------------------------------------------------------
    def service_iri(self, code: str) -> str:
        return self.kinds["service"].iri(self.settings.base_uri, code)

    # reading input ------------------------------------------------------------------------
    def parse(self, data: bytes, fmt: str, *, bulk: bool = True) -> list[RecordDraft]:
        """The records of an RDF document, reference data first."""
        limit = self.settings.max_bulk_bytes if bulk else self.settings.max_record_bytes
        quads = rdfio.parse(data, fmt, base_iri=self.settings.base_uri, max_bytes=limit,
                            max_nesting=self.settings.max_nesting)
        drafts = split(quads, self.kinds)
        drafts.sort(key=lambda d: self.kinds.order(d.kind))
        return drafts

    def validate_document(self, data: bytes, fmt: str
                          ) -> list[tuple[RecordDraft, ValidationReport]]:
        """Validate every record of a document; a document that cannot be cut into records
        (third-party data with resources outside any record) is validated as one unit."""
        quads = rdfio.parse(data, fmt, base_iri=self.settings.base_uri,
                            max_bytes=self.settings.max_bulk_bytes,
                            max_nesting=self.settings.max_nesting)
        try:
            drafts = split(quads, self.kinds)
        except InvalidInput:
            drafts = [RecordDraft("document", "document", [q.triple for q in quads])]
        return [(d, self.validate(d)) for d in drafts]

    def validate(self, draft: RecordDraft) -> ValidationReport:
        kind = self.kinds.get(draft.kind)
        if kind is not None and kind.variant_of is not None:  # another catalogue's record
            return shapes.validate_variant(kind, draft, self.references,
                                           self.settings.validation_engine)
        triples = draft.triples
        if kind is not None and kind.model is Passport and draft.code:  # the effective one
            entry = self.entry(draft.code)
            if entry is not None:
                triples, _ = effective_triples(triples, draft.iri, entry.template)
        return self.validator.validate(draft.iri, triples, self.references)

    # templates ----------------------------------------------------------------------------
    def today(self) -> date:
        return datetime.now(ZoneInfo(self.settings.timezone)).date()

    def entry(self, code: str, on: date | None = None) -> Entry | None:
        """The nomenclature entry a passport with ``code`` derives from: the one with its
        code in the edition in force on ``on`` (default today)."""
        return self.templates.entry(code, on or self.today())

    # projections --------------------------------------------------------------------------
    def project(self) -> int:
        """Bring every projection up to the ledger (the store's is skipped without a store:
        the server will do it); how many changes the store took."""
        if self._resume_pending:
            self._resume_rebuild()
        applied = [p.catch_up() for p in self.projections]
        return applied[0] if self.store_projection is not None else 0

    def project_after_commit(self) -> bool:
        """Project what a write just committed, if the projections can take it now: a write
        that committed is acknowledged as committed whatever the store says (the projector
        retries; ``/health`` shows the lag). False when something is left pending."""
        pending = False
        for p in self.projections:
            try:
                p.catch_up()
            except Exception:  # whatever failed, the write is committed: the projector retries
                pending = True
                log.exception("projection %s is pending after a commit (it will be retried)",
                              p.projection.name)
        return not pending

    def rebuild(self) -> int:
        """Every projection made again from the ledger; how many graphs the store holds."""
        if self.store_projection is None:
            raise StoreUnavailable.of("core.no_store")
        counts = [p.rebuild() for p in self.projections]
        return counts[0]

    def store_rebuilding(self) -> bool:
        """A rebuild of the store started and has not finished (under way, or killed and to be
        made again by the projector)."""
        lease = self.store_projection.lease if self.store_projection is not None else None
        return lease is not None and lease.rebuilding()

    def verifying(self) -> tuple[int, float] | None:
        """Graphs of the store left to verify against the ledger after a takeover (how many,
        and until when an update of the dead holder may still land); None when none are."""
        if self.store_projection is None or self.store_projection.lease is None:
            return None
        return self.store_projection.lease.verifying()

    def checks(self) -> Checks:
        """The consistency rules over the check projection, built from the ledger at the first
        use and then kept up with it like the other projections."""
        with self._checks_lock:
            if self._checks is None:
                projection = CheckProjection(self.kinds, self.ledger)
                follower = Follower(projection, self.ledger)
                follower.rebuild()
                self.projections.append(follower)
                self._checks = (Checks(projection, self.settings.base_uri, self.institutions),
                                follower)
        checks, follower = self._checks
        follower.catch_up()
        return checks

    @property
    def checks_built(self) -> bool:
        """Whether the check projection is built (pages show legal statuses from then on)."""
        return self._checks is not None

    def checks_if_built(self) -> Checks | None:
        """The checks when their projection is built already; else None, and the build is
        started in the background (pages never wait for it)."""
        if self._checks is None:
            with self._checks_lock:
                start, self._checks_started = not self._checks_started, True
            if start:
                threading.Thread(target=self._build_checks, name="semcat-checks",
                                 daemon=True).start()
            return None
        return self.checks()

    def _build_checks(self) -> None:
        try:
            self.checks()
        except Exception:  # a background build: logged, retried at the next explicit use
            log.exception("the check projection could not be built")

    def status(self) -> ProjectionStatus:
        if self.store is None:
            raise StoreUnavailable.of("core.no_store")
        return ProjectionStatus(self.ledger.last_seq(), self.store.watermark())

    # reading ------------------------------------------------------------------------------
    def record_graph(self, kind: str, code: str) -> list[ox.Triple]:
        """A published record of a kind with codes, looked up through the store."""
        if self.store is None:
            raise StoreUnavailable.of("core.no_store")
        spec = self.kinds[kind]
        triples = self.store.graph(spec.iri(self.settings.base_uri, code))
        if not triples:
            raise NotFound.of("core.not_published", field="code", value=code,
                              kind=Localized(spec.labels))
        return triples

    def service_graph(self, code: str) -> list[ox.Triple]:
        """A published service passport, looked up through the store."""
        return self.record_graph("service", code)

    def label(self, iri: str) -> dict[str, str] | None:
        """The name of a reference resource (law, concept, organisation, place) by language."""
        return self.references.label(iri)

    def institution_code(self, authority_iri: str | None) -> str | None:
        """The code of the institution whose organisation IRI is ``authority_iri``."""
        return self.institutions().get(authority_iri or "")

    def institutions(self) -> dict[str, str]:
        """Organisation IRI -> institution code."""
        return self.reference_data.institutions()

    def browse(self) -> Browse:
        """The published catalogue by facet (life event, authority, place...), over the store."""
        if self.store is None:
            raise StoreUnavailable.of("core.no_store")
        institutions = {code: iri for iri, code in self.institutions().items()}
        return Browse(self.store, self.settings.base_uri, institutions)

    def published_services(self) -> list[dict[str, str]]:
        """Code, IRI and titles (ro, en) of every published national service, by code (a
        harvested service, another country's record, is not one)."""
        if self.store is None:
            raise StoreUnavailable.of("core.no_store")
        family = self.settings.base_uri + self.kinds["service"].iris.root
        rows = self.store.run(named_query("services").bind(family=family))
        return [{k: v.value for k, v in r.items()} for r in rows]

    def published_passports(self) -> list[Passport]:
        """Every published service passport, by code (from the ledger)."""
        rows = self.ledger.published(kinds=["service"])
        out = [from_triples(rdfio.parse_canonical(content), iri) for iri, content in rows.items()]
        return sorted(out, key=lambda p: p.code)

    def export(self, fmt: str = "nquads") -> bytes:
        """Every published record as one dataset (graph per record), from the ledger."""
        info = rdfio.format_for(fmt)
        if not info.datasets:
            raise InvalidInput.of("core.export_format", field="format", value=fmt,
                                  expected="trig, nquads")
        quads: list[ox.Quad] = []
        for iri, content in sorted(self.ledger.published().items()):
            g = ox.NamedNode(iri)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                         for t in rdfio.parse_canonical(content))
        return rdfio.serialize(quads, info)

    def close(self) -> None:
        if self.store_projection is not None:
            self.store_projection.close()
        if self.store is not None:
            self.store.close()
        self.head.close()
        self.engine.dispose()

