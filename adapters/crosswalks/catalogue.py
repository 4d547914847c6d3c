"""A mapping's crosswalks in a catalogue: published as code lists (by an operator: code lists
are reference data), exported as SSSOM TSV, and looked up both ways (a provider's key -> the
nomenclature code, a code -> the providers' keys)."""

from __future__ import annotations

from typing import Any

from adapters.crosswalks.skos import drafts, sssom_rows
from adapters.mapping.spec import MappingSpec
from catalog.core import Catalog
from catalog.ledger import syncs
from catalog.records.sssom import write_tsv
from catalog.workflow.access import Principal
from catalog.workflow.bulk import ImportReport
from catalog.workflow.publishing import Publishing


def _record_iris(catalog: Catalog, spec: MappingSpec, keys: dict[str, str]) -> dict[str, str]:
    kind = catalog.kinds[spec.kind]
    return {code: kind.iri(catalog.settings.base_uri, code) for code in keys.values()}


def publish(catalog: Catalog, spec: MappingSpec, by: Principal) -> ImportReport:
    """Publish the crosswalks of ``spec`` (and its keys' codes) as code lists."""
    keys = syncs.key_codes(catalog.engine, spec.name)
    items = drafts(spec, catalog.settings.base_uri, keys, _record_iris(catalog, spec, keys),
                   catalog.kinds["codelist"])
    return Publishing(catalog, "codelist").import_records(by, items, atomic=True, publish=True,
                                                          reason=f"crosswalks of {spec.name}")


def sssom(catalog: Catalog, spec: MappingSpec) -> str:
    """The SSSOM TSV of the crosswalks of ``spec`` and of its keys' codes."""
    keys = syncs.key_codes(catalog.engine, spec.name)
    base = catalog.settings.base_uri
    return write_tsv(sssom_rows(spec, base, keys, _record_iris(catalog, spec, keys)),
                     mapping_set_id=f"{base}api/v1/crosswalks/{spec.name}.sssom.tsv",
                     title=f"Crosswalks of the adapter {spec.name}: {spec.title}".strip(": "))


def look_up(catalog: Catalog, spec: MappingSpec, *, key: str | None = None,
            code: str | None = None) -> dict[str, Any]:
    """A provider's key -> its nomenclature code, or a code -> the keys given it."""
    keys = syncs.key_codes(catalog.engine, spec.name)
    if key is not None:
        return {"adapter": spec.name, "key": key, "code": keys.get(key)}
    return {"adapter": spec.name, "code": code,
            "keys": sorted(k for k, c in keys.items() if c == code)}


def concepts(spec: MappingSpec, base: str) -> dict[str, list[dict[str, str]]]:
    """The concept crosswalks of ``spec``: name -> [{code, target, match}]."""
    return {name: [{"code": c, "target": m.target.replace("{$base}", base), "match": m.match}
                   for c, m in sorted(cw.entries.items())]
            for name, cw in spec.crosswalks.items()}
