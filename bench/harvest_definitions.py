"""Benchmark of harvesting a large XML Schema: an XSD of ~5 MB declaring 5,000 elements (250
global elements, each of a named complex type of 19 documented children), read into elements
(xmlschema inside the bundle's sandbox), then made an asset record (its triples), in memory.

    python -m bench.harvest_definitions [--types 250] [--children 19] [--runs 3] [--store]

With ``--store``, also the whole write once: ``harvest_asset`` into a fresh catalogue (SQLite,
embedded store): the harvest, the record, the checks and SHACL validation, the ledger commit
with its file.

Target: the harvest <= 5 s. Results: a Markdown line, and bench/out/harvest.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from adapters.definitions.harvest import bundle_of, harvest
from catalog.records.asset import Asset, AssetMapping

OUT = Path(__file__).parent / "out"
TARGET_S = 5.0
_DOC = ("Valoarea atributului din registrul de stat, așa cum este păstrată de deținătorul "
        "registrului; se transmite fără modificări și se validează la recepție. ") * 6


def xsd(types: int, children: int) -> bytes:
    """A schema of ``types`` complex types, each with ``children`` documented elements, and a
    global element of each type."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<xs:schema '
             'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:bench" '
             'targetNamespace="urn:bench" elementFormDefault="qualified">\n']
    kinds = ("xs:string", "xs:date", "xs:decimal", "xs:boolean", "xs:integer")
    for t in range(types):
        parts.append(f'<xs:element name="record{t}" type="tns:Record{t}"/>\n'
                     f'<xs:complexType name="Record{t}"><xs:annotation><xs:documentation>'
                     f'Record {t}. {_DOC}</xs:documentation></xs:annotation><xs:sequence>\n')
        for c in range(children):
            most = "unbounded" if c % 7 == 0 else "1"
            parts.append(f'<xs:element name="field{c}" type="{kinds[c % len(kinds)]}" '
                         f'minOccurs="{c % 2}" maxOccurs="{most}"><xs:annotation>'
                         f'<xs:documentation>Field {c} of record {t}. {_DOC}'
                         '</xs:documentation></xs:annotation></xs:element>\n')
        parts.append("</xs:sequence></xs:complexType>\n")
    parts.append("</xs:schema>\n")
    return "".join(parts).encode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--types", type=int, default=250)
    ap.add_argument("--children", type=int, default=19)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--store", action="store_true")
    args = ap.parse_args()
    data = xsd(args.types, args.children)
    declared = args.types * (args.children + 1)
    reads, records = [], []
    elements = triples = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        definition = harvest(bundle_of({"big.xsd": data}))
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        asset = Asset(code="bench", type="http://purl.org/adms/assettype/Schema",
                      title={"ro": "bench"}, publisher="https://example.org/org",
                      elements=definition.elements)
        triples = len(AssetMapping().to_triples(asset, "https://example.org/id/asset/bench"))
        records.append(time.perf_counter() - start)
        elements = len(definition.elements)
    result = {"bytes": len(data), "declared_elements": declared, "harvested_elements": elements,
              "triples": triples, "harvest_median_s": statistics.median(reads),
              "record_median_s": statistics.median(records), "runs": args.runs,
              "target_s": TARGET_S, "met": statistics.median(reads) <= TARGET_S}
    if args.store:
        result["store_s"] = store(data)
    OUT.mkdir(exist_ok=True)
    (OUT / "harvest.json").write_text(json.dumps(result, indent=2))
    print("| XSD | declared elements | harvested (element and type trees) | harvest median | "
          "asset record (triples) | target |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(data) / 1e6:.1f} MB | {declared:,} | {elements:,} | "
          f"{result['harvest_median_s']:.2f} s | {result['record_median_s']:.2f} s "
          f"({triples:,}) | <= {TARGET_S:.0f} s: {'met' if result['met'] else 'MISSED'} |")
    if args.store:
        print(f"harvest_asset into a fresh catalogue (stored as a draft): "
              f"{result['store_s']:.1f} s")


def store(data: bytes) -> float:
    """Seconds of one ``harvest_asset`` of ``data`` into a fresh catalogue."""
    from adapters.definitions.assets import harvest_asset
    from catalog.core import Catalog
    from catalog.demo import load_reference
    from catalog.settings import Settings
    from catalog.workflow.access import Principal

    with tempfile.TemporaryDirectory() as folder:
        catalog = Catalog(Settings(env="test", data_dir=Path(folder) / "data"))
        try:
            load_reference(catalog)
            start = time.perf_counter()
            harvest_asset(catalog, Principal.operator("bench"), {"big.xsd": data},
                          code="bench-big", publisher=catalog.settings.base_uri + "id/org/asp")
            return time.perf_counter() - start
        finally:
            catalog.close()


if __name__ == "__main__":
    main()
