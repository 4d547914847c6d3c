"""Crosswalks: a provider's codes turned into the catalogue's concepts on the way in, the
mappings published as SKOS code lists (queryable in SPARQL), exported as SSSOM TSV, and looked
up both ways (also over HTTP: tests/adapters/test_adapters_http.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from adapters.crosswalks.catalogue import look_up, publish, sssom
from adapters.mapping.spec import MappingSpec, load
from adapters.sync.runner import RunReport, Sync
from catalog.core import Catalog
from catalog.ledger import syncs
from catalog.records.sssom import MappingRow, write_tsv
from catalog.workflow.access import Principal
from tests.adapters.conftest import MAPPING, registry_rows, write_jsonl

CROSSWALK = """
crosswalks:
  aud:
    provider_scheme: https://registry.example/audience
    entries:
      cetatean: "{$base}codelist/audience/citizen"
      pj: {target: "{$base}codelist/audience/legal-entity", match: close, label: persoana juridica}
"""


@pytest.fixture(scope="module")
def synced(module_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[MappingSpec, RunReport]:
    folder = tmp_path_factory.mktemp("xw")
    rows: list[dict[str, Any]] = registry_rows(module_catalog)[:3]
    for n, r in enumerate(rows):
        r["id"] = f"ASP-{8000 + n}"
        r["audiences"] = ["cetatean", "pj"] if n else ["cetatean"]
    rows[2]["audiences"] = ["strain"]  # a code the crosswalk does not know
    write_jsonl(folder / "asp.jsonl", rows)
    text = MAPPING.replace("asp-registry", "xw-reg").replace(
        "audiences: {reference: audiences, list: true}",
        "audiences: {reference: audiences, list: true, crosswalk: aud}") + CROSSWALK
    (folder / "m.yaml").write_text(text, encoding="utf-8")
    spec = load(folder / "m.yaml")
    return spec, Sync(module_catalog, spec).apply()


def test_provider_codes_become_concepts_and_an_unknown_code_is_a_rejection(
        module_catalog: Catalog, synced: tuple[MappingSpec, RunReport]) -> None:
    _spec, report = synced
    assert report.counts == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    [bad] = [o for o in report.records if o.status == "rejected"]
    assert bad.detail["reasons"][0]["message"]["en"] == (
        "audiences: the value 'strain' is not in the crosswalk aud (expected one of: "
        "cetatean, pj)")
    base = module_catalog.settings.base_uri
    iri = f"{base}id/service/ASP-8001"
    data = module_catalog.kinds["service"].to_json(iri, _latest(module_catalog, iri))
    assert data["audiences"] == [f"{base}codelist/audience/citizen",
                                 f"{base}codelist/audience/legal-entity"]


def _latest(catalog: Catalog, iri: str) -> list[Any]:
    from catalog import rdfio

    return list(rdfio.parse_canonical(catalog.ledger.versions(iri)[-1].content))


def test_keys_and_codes_are_looked_up_both_ways(
        module_catalog: Catalog, synced: tuple[MappingSpec, RunReport]) -> None:
    spec, _ = synced
    assert look_up(module_catalog, spec, key="ASP-8001")["code"] == "ASP-8001"
    assert syncs.keys_of(module_catalog.engine, "ASP-8000") == [("xw-reg", "ASP-8000")]
    assert look_up(module_catalog, spec, key="ASP-8002")["code"] is None  # rejected


def test_the_crosswalks_are_exported_as_sssom_tsv(
        module_catalog: Catalog, synced: tuple[MappingSpec, RunReport]) -> None:
    spec, _ = synced
    text = sssom(module_catalog, spec)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "#curie_map:" in header
    assert '#  skos: "http://www.w3.org/2004/02/skos/core#"' in header
    prefixes = {line.split(":", 1)[0].strip("# "): line.split(":", 1)[1].strip().strip('"')
                for line in header[1:] if line.startswith("#  ")}
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("#"))), delimiter="\t"))

    def iri(curie: str) -> str:
        prefix, local = curie.split(":", 1)
        return prefixes[prefix] + local

    got = {(iri(r["subject_id"]), iri(r["predicate_id"]), iri(r["object_id"])) for r in rows}
    base = module_catalog.settings.base_uri
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert got == {
        ("https://registry.example/audience/cetatean", skos + "exactMatch",
         f"{base}codelist/audience/citizen"),
        ("https://registry.example/audience/pj", skos + "closeMatch",
         f"{base}codelist/audience/legal-entity"),
        ("urn:semcat:source:xw-reg:ASP-8000", skos + "exactMatch", f"{base}id/service/ASP-8000"),
        ("urn:semcat:source:xw-reg:ASP-8001", skos + "exactMatch", f"{base}id/service/ASP-8001"),
    }
    assert {r["mapping_justification"] for r in rows} == {"semapv:ManualMappingCuration"}


def test_the_crosswalks_are_published_as_skos_and_queryable_in_sparql(
        module_catalog: Catalog, synced: tuple[MappingSpec, RunReport]) -> None:
    spec, _ = synced
    report = publish(module_catalog, spec, Principal.operator("test"))
    assert report.summary()["created"] == 2
    module_catalog.project()
    base = module_catalog.settings.base_uri
    assert module_catalog.store is not None
    rows = module_catalog.store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?code WHERE { GRAPH ?g { ?c skos:closeMatch <" + base +
        "codelist/audience/legal-entity> ; skos:notation ?code } }")
    assert [str(r["code"].value) for r in rows] == ["pj"]


def test_sssom_cells_stay_in_their_column() -> None:
    text = write_tsv([MappingRow("http://a.example/x", "http://www.w3.org/2004/02/skos/core#"
                                 "exactMatch", "http://b.example/y",
                                 subject_label="tab\there\nnewline")], mapping_set_id="urn:x")
    [row] = [line for line in text.splitlines() if line.startswith("ns")]
    assert row.split("\t")[1] == "tab here newline"


def test_an_unknown_adapter_has_no_crosswalk(tmp_path: Path) -> None:
    from adapters.mapping.library import find
    from catalog.errors import NotFound

    with pytest.raises(NotFound):
        find(tmp_path, "nope")
