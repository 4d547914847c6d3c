"""Fixtures of the adapter tests: a catalogue with the reference data, and a provider's file
made of the demo nomenclature's passports (the shipped data, reshaped as a registry would
give it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.namespaces import DCT, PROV, RDF_TYPE, RDFS
from catalog.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
NOMENCLATURE = ROOT / "vocabularies" / "demo" / "nomenclature.trig"

#: a registry's JSON for a passport (other field names, ISO 639-2 language codes)
MAPPING = """
semcat_mapping: 1
name: asp-registry
title: ASP services registry (test)
institution: ASP
source: {type: file, path: asp.jsonl, format: jsonl}
record: {key: id}
fields:
  code: id
  competent_authority: authority
  title: {reference: name, languages: {ron: ro, eng: en}}
  description: {reference: descr, languages: {ron: ro, eng: en}}
  keywords: kw
  life_events: {reference: events, list: true}
  legal_resources: {reference: laws, list: true}
  audiences: {reference: audiences, list: true}
  thematic_areas: {reference: themes, list: true}
  outputs: rest.outputs
  costs: rest.costs
  channels: rest.channels
  evidence: rest.evidence
  requirements: rest.requirements
  languages: {reference: rest.languages, list: true}
  processing_time: rest.processing_time
"""


def registry_rows(catalog: Catalog, authority: str = "asp") -> list[dict[str, Any]]:
    """The demo passports of one authority, as a registry gives them."""
    kind = catalog.kinds["service"]
    rows = []
    for d in catalog.parse(NOMENCLATURE.read_bytes(), NOMENCLATURE.name):
        if d.kind != "service":
            continue
        j = kind.to_json(d.iri, d.triples)
        if not j["competent_authority"].endswith(f"/{authority}"):
            continue
        rows.append({
            "id": j["code"], "authority": j["competent_authority"],
            "name": {"ron": j["title"].get("ro"), "eng": j["title"].get("en")},
            "descr": {"ron": j["description"].get("ro"), "eng": j["description"].get("en")},
            "events": j.get("life_events", []), "laws": j.get("legal_resources", []),
            "audiences": j.get("audiences", []), "themes": j.get("thematic_areas", []),
            "kw": j.get("keywords", {}),
            "rest": {k: j[k] for k in ("outputs", "costs", "channels", "evidence",
                                       "requirements", "languages", "processing_time")
                     if k in j}})
    return rows


def provenance_of(iri: str, content: str) -> dict[str, str]:
    """What a record's content says of its source (adapters/sync/provenance.py): the key,
    what it is part of and the adapter, as N-Triples terms (the key as a plain string)."""
    found = {}
    for q in ox.parse(content, format=ox.RdfFormat.N_TRIPLES):
        found.setdefault(str(q.subject), {})[q.predicate.value] = q.object
    entity = found[f"<{iri}>"][DCT + "source"]
    node = found[str(entity)]
    agent = found[str(node[PROV + "wasAttributedTo"])]
    assert node[RDF_TYPE].value == PROV + "Entity"
    assert agent[RDF_TYPE].value == PROV + "SoftwareAgent"
    return {"key": node[DCT + "identifier"].value, "part_of": str(node[DCT + "isPartOf"]),
            "agent": str(agent[RDFS + "label"])}


def write_jsonl(path: Path, rows: list[Any]) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
                            + "\n" for r in rows), encoding="utf-8")


@pytest.fixture(scope="module")
def ref_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(env="test", data_dir=tmp_path_factory.mktemp("adapters") / "data")


@pytest.fixture(scope="module")
def module_catalog(ref_settings: Settings) -> Iterator[Catalog]:
    catalog = Catalog(ref_settings)
    load_reference(catalog)
    yield catalog
    catalog.close()
