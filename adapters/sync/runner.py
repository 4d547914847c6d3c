"""A sync run: a source read through its mapping, planned (dry run) or applied through the one
write path as ``source:NAME``, with its report, cursor and lock in the ledger.

- **Dry run** (:meth:`Sync.plan`): each record's outcome (created, updated with its diff,
  unchanged, rejected with its reasons); nothing is written but the run's report.
- **Apply** (:meth:`Sync.apply`): records go through
  :meth:`catalog.workflow.publishing.Publishing.import_records` in batches, as drafts for
  review, or published when an admin marked the adapter trusted. Each batch's transaction also
  holds the run's cursor, counts and the outcomes up to it, and the codes given to new keys: a
  run killed at any point is resumed by the next one from that cursor (nothing lost, nothing
  counted or written twice). One bad record never stops a run; a fault of the whole source ends
  it as ``failed`` with the error, and what was written before stays.
- **One run of an adapter at a time** across processes: the lease ``adapter:NAME``
  (:class:`catalog.ledger.leases.Lease`), renewed as the run reads.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from adapters.mapping.engine import RecordMapper
from adapters.mapping.spec import MappingSpec
from adapters.sources.base import Source
from adapters.sources.registry import SourceContext, SourceRegistry, default_registry
from adapters.sync.minting import KeyCodes
from adapters.sync.plan import Planner, rejected
from adapters.sync.provenance import location_of, version_provenance
from adapters.sync.stream import RecordStream, SourceRecord, reasons
from catalog.core import Catalog
from catalog.errors import CatalogError, Conflict, InvalidInput
from catalog.ledger import Appended, NewVersion, syncs
from catalog.ledger.leases import LEASE_S, Lease, process_holder
from catalog.ledger.syncs import Outcome, RunRow
from catalog.records import RecordDraft
from catalog.records.kinds import RecordKind
from catalog.workflow.access import Principal
from catalog.workflow.bulk import ImportReport, RecordOutcome
from catalog.workflow.publishing import Publishing

STATUSES = ("created", "updated", "unchanged", "rejected")
#: Told of each source record read (a progress bar).
OnRecord = Callable[[], None]


@dataclass
class RunReport:
    """What a run did: the run, its counts, and the records with their outcomes."""

    run: RunRow
    counts: dict[str, int]
    records: list[Outcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"adapter": self.run.adapter, "run": self.run.to_dict(),
                "dry_run": self.run.dry_run, "counts": self.counts,
                "records": [o.to_dict() for o in self.records]}


def _counts(counter: Counter[str] | dict[str, int]) -> dict[str, int]:
    return {s: int(counter.get(s, 0)) for s in STATUSES}


def lease_name(adapter: str) -> str:
    """The name of an adapter's lease (at most 32 characters: a long name is hashed)."""
    name = f"adapter:{adapter}"
    if len(name) <= 32:
        return name
    return "adapter:" + hashlib.sha256(adapter.encode()).hexdigest()[:24]


class Sync:
    """Runs of one mapping against one catalogue."""

    def __init__(self, catalog: Catalog, spec: MappingSpec, *,
                 registry: SourceRegistry | None = None, batch_size: int = 200,
                 on_record: OnRecord | None = None) -> None:
        self.catalog, self.spec = catalog, spec
        self.engine = catalog.engine
        self.registry = registry or default_registry()
        self.batch_size = batch_size
        self.on_record = on_record
        self.kind = self._kind()
        self.institution_iri, institution_id = self._institution()
        self.trusted = syncs.trusted(self.engine, spec.name)
        self.principal = Principal.source(spec.name, spec.institution, self.institution_iri,
                                          institution_id, trusted=self.trusted)

    def _kind(self) -> RecordKind:
        kind = self.catalog.kinds.get(self.spec.kind)
        self.model_kind = self._model_kind(kind) if kind is not None else None
        if kind is None or self.model_kind is None:
            raise InvalidInput.of("adapter.unknown_kind", field="kind", value=self.spec.kind,
                                  expected=", ".join(k.name for k in self.catalog.kinds
                                                     if self._model_kind(k) is not None))
        return kind

    def _model_kind(self, kind: RecordKind) -> RecordKind | None:
        """The kind whose JSON model maps records of ``kind``: itself, or the kind it is a
        variant of (a harvested service is mapped like a passport)."""
        if kind.model is not None:
            return kind
        variant_of = getattr(kind, "variant_of", None)
        other = self.catalog.kinds.get(variant_of) if variant_of else None
        return other if other is not None and other.model is not None else None

    def _institution(self) -> tuple[str, int]:
        for inst in self.catalog.ledger.institutions():
            if inst.code == self.spec.institution and inst.id is not None:
                return inst.iri, inst.id
        raise InvalidInput.of("adapter.unknown_institution", field="institution",
                              value=self.spec.institution)

    def _stream(self, source: Source, tick: Callable[[], None] | None = None) -> RecordStream:
        assert self.model_kind is not None
        defaults = {"competent_authority": self.institution_iri} \
            if self.model_kind.name == "service" else {}
        mapper = RecordMapper(self.spec, defaults=defaults,
                              minter=KeyCodes(self.engine, self.spec.name,
                                             self.catalog.templates.codes()),
                              base_uri=self.catalog.settings.base_uri)

        def on_item() -> None:
            if tick is not None:
                tick()

        return RecordStream(source, mapper, self.kind, self.catalog.settings, tick=on_item,
                            model_kind=self.model_kind, owner=self.institution_iri,
                            location=location_of(self.spec))

    def source(self) -> Source:
        """The mapping's source, opened."""
        return self.registry.build(self.spec, SourceContext(
            self.catalog.settings, self.institution_iri, self.catalog.validate,
            catalog=self.catalog))

    def _report(self, run_id: int) -> RunReport:
        row = syncs.run(self.engine, self.spec.name, run_id)
        assert row is not None
        return RunReport(row, _counts(row.counts), syncs.outcomes(self.engine, run_id,
                                                                   limit=1_000_000))

    # dry run --------------------------------------------------------------------------
    def plan(self, trigger: str = "cli") -> RunReport:
        """The plan of a run (nothing written but the run's report)."""
        source = self.source()
        run = syncs.start(self.engine, self.spec.name, dry_run=True, trigger=trigger,
                          holder=process_holder(), digest=self.spec.digest)
        planner = Planner(self.catalog, self.kind, self.principal, publish=self.trusted,
                          model_kind=self.model_kind)
        counts: Counter[str] = Counter()
        buffer: list[Outcome] = []
        position: str | None = None
        try:
            for rec in self._stream(source).records():
                outcome = planner.outcome(rec)
                counts[outcome.status] += 1
                buffer.append(outcome)
                position = rec.position
                if self.on_record is not None:
                    self.on_record()
                if len(buffer) >= self.batch_size:
                    syncs.checkpoint(self.engine, run.id, position, _counts(counts), buffer)
                    buffer = []
            syncs.checkpoint(self.engine, run.id, position, _counts(counts), buffer)
            syncs.finish(self.engine, run.id, "done", _counts(counts))
        except CatalogError as exc:
            syncs.finish(self.engine, run.id, "failed", _counts(counts), exc.to_dict())
            raise
        except BaseException:
            syncs.finish(self.engine, run.id, "interrupted", _counts(counts))
            raise
        finally:
            source.close()
        return self._report(run.id)

    # apply ----------------------------------------------------------------------------
    def apply(self, trigger: str = "cli") -> RunReport:
        """Apply the source (see the module's docstring); resumes a run that was killed."""
        lease = Lease(self.engine, lease_name(self.spec.name), holder=process_holder())
        if not lease.acquire():
            raise Conflict.of("adapter.running", field="adapter", value=self.spec.name,
                              holder=lease.holder_now() or "another process", lease_s=LEASE_S)
        try:
            return _Apply(self, lease).run(trigger)
        finally:
            lease.release()


class _Apply:
    """One apply run (its state between the batches of the import)."""

    def __init__(self, sync: Sync, lease: Lease) -> None:
        self.sync, self.lease = sync, lease
        self.engine = sync.engine
        self.counts: Counter[str] = Counter()
        self.buffer: list[tuple[int, Outcome]] = []  # (ordinal in the source, outcome)
        self.position: str | None = None
        self.read = 0
        self.pending: dict[str, tuple[int, SourceRecord]] = {}  # IRI -> the record

    def run(self, trigger: str) -> RunReport:
        sync, name = self.sync, self.sync.spec.name
        previous = syncs.unfinished(self.engine, name)
        if previous is not None:  # killed before it finished: resume from its cursor
            syncs.take_over(self.engine, previous.id, self.lease.holder)
            run, after = previous, previous.cursor
            self.counts.update(previous.counts)
        else:
            run = syncs.start(self.engine, name, dry_run=False, trigger=trigger,
                              holder=self.lease.holder, digest=sync.spec.digest)
            after = None
        self.position = after
        self.run_id = run.id
        source = sync.source()
        try:
            self._import(source, after)
            syncs.checkpoint(self.engine, run.id, self.position, _counts(self.counts),
                             [o for _, o in sorted(self.buffer, key=lambda x: x[0])])
            self.buffer = []
            syncs.finish(self.engine, run.id, "done", _counts(self.counts))
        except CatalogError as exc:
            syncs.finish(self.engine, run.id, "failed", _counts(self.counts), exc.to_dict())
            raise
        finally:
            source.close()
        return sync._report(run.id)

    def _renew(self) -> None:
        if not self.lease.acquire():
            raise Conflict.of("adapter.running", field="adapter", value=self.sync.spec.name,
                              holder=self.lease.holder_now() or "another process",
                              lease_s=LEASE_S)

    def _drafts(self, source: Source, after: str | None) -> Iterator[RecordDraft]:
        for rec in self.sync._stream(source, tick=self._renew).records(after):
            self.position = rec.position
            self.read += 1
            if self.sync.on_record is not None:
                self.sync.on_record()
            if rec.problems or rec.draft is None:
                self._reject(self.read, rejected(rec, rec.problems))
                continue
            self.pending[rec.draft.iri] = (self.read, rec)
            rec.draft.provenance = version_provenance(
                self.sync.spec.name, self.run_id, rec.key, location_of(self.sync.spec),
                datetime.now(UTC).isoformat(timespec="seconds"), rec.provenance)
            yield rec.draft

    def _reject(self, ordinal: int, outcome: Outcome) -> None:
        self.counts["rejected"] += 1
        self.buffer.append((ordinal, outcome))

    def _import(self, source: Source, after: str | None) -> None:
        sync = self.sync
        apply = self

        class _Report(ImportReport):
            def settle(self, outcome: RecordOutcome) -> None:
                if outcome.status == "rejected":
                    ordinal, rec = apply.pending.pop(outcome.iri, (0, None))
                    errors = [outcome.error] if outcome.error is not None else []
                    detail: dict[str, Any] = {"reasons": reasons(errors)}
                    if outcome.report is not None and not errors:
                        detail["reasons"] = [
                            {"code": "invalid_record", "field": f.path or f.focus,
                             "value": f.value,
                             "message": {"en": f.message_en, "ro": f.message_ro}}
                            for f in outcome.report.violations]
                    if rec is not None:
                        detail["where"] = rec.where
                        apply._reject(ordinal, Outcome(rec.key, "rejected", outcome.code,
                                                       rec.position, detail))
                if outcome in self.outcomes:
                    self.outcomes.remove(outcome)

        Publishing(sync.catalog, sync.kind).import_records(
            sync.principal, self._drafts(source, after), atomic=False,
            publish=sync.trusted, batch_size=sync.batch_size, report=_Report(keep=0),
            also=self._checkpoint_in, reason=f"sync run {self.run_id}")

    def _checkpoint_in(self, s: Session, written: list[tuple[NewVersion, Appended]]) -> None:
        outcomes = list(self.buffer)
        keys: list[tuple[str, str]] = []
        for nv, ap in written:
            status = ("created" if ap.new_record else "updated") if ap.created else "unchanged"
            ordinal, rec = self.pending.pop(nv.iri, (0, None))
            key = rec.key if rec is not None else nv.iri
            self.counts[status] += 1
            outcomes.append((ordinal, Outcome(key, status, nv.code,
                                              rec.position if rec else None,
                                              {"version": ap.number})))
            if nv.code:
                keys.append((key, nv.code))
        syncs.put_keys_in(s, self.sync.spec.name, self.sync.kind.name, keys)
        syncs.checkpoint_in(s, self.run_id, self.position, _counts(self.counts),
                            [o for _, o in sorted(outcomes, key=lambda x: x[0])])
        self.buffer = []
