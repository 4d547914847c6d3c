"""Reading another country's CPSV-AP catalogue into records: parse, upgrade to 3.2.0, cut by
links, strip what the hub owns, check and validate each record, and report every problem.

The steps, each in a module of its own:

1. parse (:func:`catalog.rdfio.parse`: RDF/XML, Turtle, JSON-LD, N-Triples, N-Quads, TriG,
   behind the size, nesting and DOCTYPE gates; no IRI of the document is ever dereferenced,
   JSON-LD contexts come from the bundled copies only); a dataset is read as the union of its
   graphs;
2. upgrade from the declared CPSV-AP version (:mod:`catalog.intake.cpsv_upgrade`);
3. optionally tag untagged text with the language the mapping declares (``default_language``),
   on the properties the official shapes want as ``rdf:langString`` (the Estonian and Finnish
   pilot files have none): a declared, recorded decision, never a guess;
4. cut into one record per ``cpsv:PublicService`` by links (:mod:`catalog.intake.ownership`);
5. per record: what the hub owns on a root (``adms:status``, dates, publisher, ``prov:``) is
   taken off and kept in the record's provenance; the intake checks (size, text, datatypes) and
   the kind's validation (the official CPSV-AP 3.2.0 shapes) run, and every finding is kept;
6. the report: per record, accepted or rejected with every violation (every offending subject),
   plus the renames done, the resources shared by several records and those no record holds.

The kind is :data:`catalog.records.builtin.HARVESTED_SERVICE`; records keep their IRIs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from catalog import paths, rdfio
from catalog.errors import CatalogError, InvalidInput, InvalidRecord, TooLarge
from catalog.intake.checks import check_datatypes, check_text
from catalog.intake.cpsv_upgrade import TARGET, upgrade
from catalog.intake.ownership import cut_by_links
from catalog.namespaces import RDF, SH, XSD
from catalog.records.kinds import RecordKind
from catalog.records.split import RecordDraft
from catalog.settings import Settings
from catalog.validation import Finding, ValidationReport

Validate = Callable[[RecordDraft], ValidationReport]
_STRING = XSD + "string"
#: the longest code a record may have (the ledger's ``record.code`` column): a harvested
#: record's code is its ``dct:identifier``, whatever its catalogue made it
MAX_CODE_CHARS = 64


@dataclass(frozen=True)
class HarvestOptions:
    """What the mapping says of a harvested document."""

    source: str  # the source catalogue: the file or URL the mapping names
    cpsv_ap: str  # the CPSV-AP version the document is written in
    fmt: str  # an RDF format name or a file name (see catalog.rdfio.FORMATS)
    harvested_at: datetime
    default_language: str | None = None  # tag for untagged text where 3.2.0 wants a language
    #: the hub institution that harvests (and answers for) the records: stated as the kind's
    #: authority predicate on each root, in place of whatever the source stated there
    institution_iri: str | None = None


@dataclass
class Harvested:
    """One record read from the document, with what was found about it."""

    draft: RecordDraft
    provenance: dict[str, str]
    report: ValidationReport = field(default_factory=ValidationReport)
    problems: list[CatalogError] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def offending_subjects(self) -> list[str]:
        """Every subject of the record with a violation (not only the first)."""
        found: dict[str, None] = {}
        for p in self.problems:
            report = getattr(p, "report", None)
            for f in report.violations if isinstance(report, ValidationReport) else ():
                found.setdefault(f.focus, None)
        return list(found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "iri": self.draft.iri, "code": self.draft.code,
            "outcome": "accepted" if self.accepted else "rejected",
            "triples": len(self.draft.triples),
            "reasons": [_reason(p) for p in self.problems],
            "offending_subjects": self.offending_subjects,
            "warnings": len(self.report.warnings),
            "provenance": self.provenance,
        }


def _reason(error: CatalogError) -> dict[str, Any]:
    report = getattr(error, "report", None)
    out: dict[str, Any] = {"code": error.code, "message": str(error)}
    if isinstance(report, ValidationReport):
        out["findings"] = [f.to_dict() for f in report.violations]
    return out


@dataclass
class Harvest:
    """What a document gave: its records, and what belongs to none of them."""

    records: list[Harvested]
    notes: list[str]
    shared: dict[str, list[str]]
    unowned: list[str]

    @property
    def counts(self) -> dict[str, int]:
        accepted = sum(r.accepted for r in self.records)
        return {"records": len(self.records), "accepted": accepted,
                "rejected": len(self.records) - accepted}

    def to_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "notes": self.notes,
                "shared": self.shared, "unowned": self.unowned,
                "records": [r.to_dict() for r in self.records]}


def read_harvest(data: bytes, options: HarvestOptions, kind: RecordKind, settings: Settings,
                 validate: Validate) -> Harvest:
    """The records of a harvested document, each checked and validated (see the module)."""
    quads = rdfio.parse(data, rdfio.format_for(options.fmt), base_iri=None,
                        max_bytes=settings.max_bulk_bytes, max_nesting=settings.max_nesting)
    up = upgrade((q.triple for q in quads), options.cpsv_ap)
    notes = [f"read as CPSV-AP {options.cpsv_ap}, upgraded to {TARGET}", *up.notes()]
    triples = up.triples
    if options.default_language:
        triples, tagged = tag_language(triples, options.default_language, kind)
        if tagged:
            notes.append(f"tagged {tagged} untagged literal(s) @{options.default_language} "
                         "(declared by the mapping)")
    cut = cut_by_links(triples, kind)
    if not cut.records:
        raise InvalidInput.of("harvest.no_service", value=options.source,
                              expected=f"resources typed <{kind.root_class}>")
    records = [_one(d, options, kind, settings, validate) for d in cut.records]
    return Harvest(records, notes, cut.shared, cut.unowned)


def _one(draft: RecordDraft, options: HarvestOptions, kind: RecordKind, settings: Settings,
         validate: Validate) -> Harvested:
    provenance = {"source": options.source, "harvested_at": options.harvested_at.isoformat(),
                  "original_iri": draft.iri, "cpsv_ap": options.cpsv_ap,
                  "format": rdfio.format_for(options.fmt).name}
    if options.default_language:
        provenance["default_language"] = options.default_language
    provenance.update(strip_server_owned(draft, kind))
    if options.institution_iri and kind.authority_predicate:
        draft.triples.append(ox.Triple(ox.NamedNode(draft.iri),
                                       ox.NamedNode(kind.authority_predicate),
                                       ox.NamedNode(options.institution_iri)))
    out = Harvested(draft, provenance)
    if len(draft.triples) > settings.max_record_triples:
        out.problems.append(TooLarge.of(
            "intake.too_many_triples", field="triples", value=draft.iri,
            expected=f"<= {settings.max_record_triples} triples", count=len(draft.triples),
            limit=settings.max_record_triples))
        return out
    code = draft.code
    if code is not None and len(code) > MAX_CODE_CHARS:
        out.problems.append(InvalidInput.of(
            "harvest.code_too_long", field=kind.code_predicate, value=code[:100],
            expected=f"<= {MAX_CODE_CHARS} characters", count=len(code),
            limit=MAX_CODE_CHARS))
    try:
        check_text(draft, settings.max_literal_bytes)
    except CatalogError as exc:
        out.problems.append(exc)
    try:
        check_datatypes(draft)
    except CatalogError as exc:
        out.problems.append(exc)
    out.report = validate(draft)
    if not out.report.conforms:
        out.problems.append(_rejection(draft.iri, out.report))
    return out


def _rejection(iri: str, report: ValidationReport) -> InvalidRecord:
    violations = report.violations
    first: Finding = violations[0]
    return InvalidRecord.of("harvest.rejected", report=ValidationReport(tuple(violations)),
                            field=first.path, value=iri, count=len(violations),
                            first=f"{first.focus} {first.path or ''}: {first.message_en}")


def strip_server_owned(draft: RecordDraft, kind: RecordKind) -> dict[str, str]:
    """Take what the hub owns off the record's root (and the owner the source may have
    stated: the hub names its own); the values, for the provenance."""
    root = ox.NamedNode(draft.iri)
    kept: list[ox.Triple] = []
    taken: dict[str, list[str]] = {}
    for t in draft.triples:
        p = t.predicate.value
        if t.subject == root and (kind.owned_by_server(p) or p == kind.authority_predicate):
            taken.setdefault(t.predicate.value, []).append(str(t.object))
        else:
            kept.append(t)
    draft.triples = kept
    return {f"source_stated:{p}": " | ".join(sorted(vs)) for p, vs in taken.items()}


def tag_language(triples: Iterable[ox.Triple], language: str, kind: RecordKind
                 ) -> tuple[list[ox.Triple], int]:
    """Untagged strings tagged ``language`` on the properties the kind's shapes want as
    ``rdf:langString``; how many were tagged."""
    wanted = lang_string_paths(tuple(_shape_files(kind)))
    out: list[ox.Triple] = []
    tagged = 0
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal) and o.language is None and o.datatype.value == _STRING \
                and t.predicate.value in wanted:
            t = ox.Triple(t.subject, t.predicate, ox.Literal(o.value, language=language))
            tagged += 1
        out.append(t)
    return out, tagged


def _shape_files(kind: RecordKind) -> list[Path]:
    return [Path(n) if Path(n).is_absolute() else paths.SHAPES_DIR / n for n in kind.shapes]


@cache
def lang_string_paths(files: tuple[Path, ...]) -> frozenset[str]:
    """The ``sh:path`` of every property shape whose ``sh:datatype`` is ``rdf:langString``."""
    quads: list[ox.Quad] = []
    for f in files:
        quads += ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
    lang = {q.subject for q in quads if q.predicate.value == SH + "datatype"
            and q.object == ox.NamedNode(RDF + "langString")}
    return frozenset(q.object.value for q in quads if q.subject in lang
                     and q.predicate.value == SH + "path" and isinstance(q.object, ox.NamedNode))
