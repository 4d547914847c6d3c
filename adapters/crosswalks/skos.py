"""A mapping's crosswalks as code lists of the catalogue: one SKOS concept scheme per crosswalk
(``{base}codelist/xw-{adapter}-{crosswalk}``), one concept per provider code with its notation,
a label saying whose code it is, and its SKOS mapping (``skos:exactMatch``, ``closeMatch`` ...)
to the catalogue's concept or record; and the scheme of the adapter's keys
(``xw-{adapter}-keys``): each source key that was given a nomenclature code, mapped
``skos:exactMatch`` to the record. Published by an operator (code lists are reference data),
so they are queryable in SPARQL like every code list; also exported as SSSOM TSV.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from adapters.mapping.spec import MappingSpec
from catalog.namespaces import DCT, RDF_TYPE, SKOS
from catalog.records import RecordDraft
from catalog.records.kinds import RecordKind
from catalog.records.sssom import PREDICATES, MappingRow

_SLUG = re.compile(r"[^a-z0-9-]+")


def scheme_iri(base: str, adapter: str, crosswalk: str) -> str:
    return f"{base}codelist/xw-{adapter}-{_slug(crosswalk)}"


def _slug(text: str) -> str:
    slug = _SLUG.sub("-", text.lower()).strip("-")[:60]
    if slug and slug == text:
        return slug
    return f"{slug or 'c'}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def _scheme(iri: str, code: str, title_en: str, title_ro: str,
            entries: Iterable[tuple[str, str, str]], kind: RecordKind) -> RecordDraft:
    """A concept scheme ``iri`` whose concepts are (notation, predicate IRI, target)."""
    s = ox.NamedNode(iri)
    t = [ox.Triple(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(SKOS + "ConceptScheme")),
         ox.Triple(s, ox.NamedNode(SKOS + "prefLabel"), _lit(title_ro, "ro")),
         ox.Triple(s, ox.NamedNode(SKOS + "prefLabel"), _lit(title_en, "en")),
         ox.Triple(s, ox.NamedNode(DCT + "title"), _lit(title_ro, "ro")),
         ox.Triple(s, ox.NamedNode(DCT + "title"), _lit(title_en, "en")),
         ox.Triple(s, ox.NamedNode(DCT + "identifier"), _lit(code))]
    for notation, predicate, target in entries:
        c = ox.NamedNode(f"{iri}/{_slug(notation)}")
        t += [ox.Triple(c, ox.NamedNode(RDF_TYPE), ox.NamedNode(SKOS + "Concept")),
              ox.Triple(c, ox.NamedNode(SKOS + "inScheme"), s),
              ox.Triple(c, ox.NamedNode(SKOS + "notation"), _lit(notation)),
              ox.Triple(c, ox.NamedNode(SKOS + "prefLabel"),
                        _lit(f"{notation} (cod al furnizorului)", "ro")),
              ox.Triple(c, ox.NamedNode(SKOS + "prefLabel"),
                        _lit(f"{notation} (provider code)", "en")),
              ox.Triple(c, ox.NamedNode(predicate), ox.NamedNode(target))]
    return RecordDraft(iri, kind.name, t, declared=kind)


def drafts(spec: MappingSpec, base: str, keys: Mapping[str, str],
           record_iri: Mapping[str, str], kind: RecordKind) -> list[RecordDraft]:
    """The code lists of ``spec``'s crosswalks and of its keys (``keys``: key -> code;
    ``record_iri``: code -> the record's IRI)."""
    out = []
    for name, cw in spec.crosswalks.items():
        entries = [(code, PREDICATES[m.match], m.target.replace("{$base}", base))
                   for code, m in sorted(cw.entries.items())]
        out.append(_scheme(scheme_iri(base, spec.name, name), f"xw-{spec.name}-{name}",
                           f"Crosswalk {name} of the adapter {spec.name}",
                           f"Corespondențele {name} ale adaptorului {spec.name}", entries, kind))
    key_entries = [(key, PREDICATES["exact"], record_iri[code])
                   for key, code in sorted(keys.items()) if code in record_iri]
    if key_entries:
        out.append(_scheme(scheme_iri(base, spec.name, "keys"), f"xw-{spec.name}-keys",
                           f"Records of the adapter {spec.name} by their source key",
                           f"Înregistrările adaptorului {spec.name} după cheia din sursă",
                           key_entries, kind))
    return out


def sssom_rows(spec: MappingSpec, base: str, keys: Mapping[str, str],
               record_iri: Mapping[str, str]) -> list[MappingRow]:
    """The same mappings as SSSOM rows (the provider's codes as the subjects)."""
    rows = []
    for name, cw in spec.crosswalks.items():
        for code, m in sorted(cw.entries.items()):
            subject = code if re.match(r"^[a-z][a-z0-9+.-]*:", code) else \
                f"{cw.provider_scheme.rstrip('/')}/{code}"
            rows.append(MappingRow(subject, PREDICATES[m.match],
                                   m.target.replace("{$base}", base), subject_label=code,
                                   object_label=m.label or "", comment=f"crosswalk {name}"))
    for key, code in sorted(keys.items()):
        if code in record_iri:
            subject = key if re.match(r"^[a-z][a-z0-9+.-]*:", key) else \
                f"urn:semcat:source:{spec.name}:{key}"
            rows.append(MappingRow(subject, PREDICATES["exact"], record_iri[code],
                                   object_label=code, comment="source key"))
    return rows
