"""``semcat harvest FILE...``: each file (a WSDL, XSD, OpenAPI, JSON Schema, or a zip bundle)
read into its operations and elements; listed (text, or ``--format json``), and with
``--store`` written as a draft version of an asset owned by ``--institution``."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from sqlmodel import select

from adapters.definitions.assets import Harvested, harvest_asset
from adapters.definitions.bundle import MAX_BUNDLE_BYTES
from catalog.core import Catalog
from catalog.errors import InvalidInput, NotFound, TooLarge
from catalog.ledger.db import read_session
from catalog.ledger.repository import Institution
from catalog.settings import get_settings
from catalog.workflow.access import Principal


def _code(path: Path, given: str | None, many: bool) -> str:
    if given and not many:
        return given
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.name.split(".", 1)[0]).strip("-.")
    return f"{given}-{stem}" if given else stem or "definition"


def _publisher(catalog: Catalog, code: str | None) -> str:
    if not code:
        raise InvalidInput.of("assets.bad_definition", field="--institution", value="--store",
                              reason="name the institution that owns the assets "
                              "(--institution ASP)")
    with read_session(catalog.engine) as s:
        inst = s.exec(select(Institution).where(Institution.code == code)).first()
    if inst is None:
        raise NotFound.of("catalogue.no_institution", field="institution", value=code)
    return inst.iri


def _text(result: Harvested) -> str:
    lines = [f"{result.asset.code}: {result.definition.format} ({result.definition.main}), "
             f"{len(result.asset.operations)} operations, {len(result.asset.elements)} "
             "elements"]
    for op in result.asset.operations:
        where = f" {op.method} {op.target}" if op.method else ""
        lines.append(f"  operation {op.name}{where}: in {', '.join(op.input) or '-'}; "
                     f"out {', '.join(op.output) or '-'}; header {', '.join(op.header) or '-'}")
    for e in result.asset.elements:
        most = "*" if e.max_occurs is None else e.max_occurs
        lines.append(f"  {e.path}  {e.datatype or '-'}  [{e.min_occurs}..{most}]")
    if result.state is not None:
        lines.append(f"  stored as version {result.state.number} ({result.state.status})")
    for c in result.changes:
        lines.append(f"  {'BREAKING' if c.breaking else 'compatible'} {c.change} {c.path}"
                     f" {c.before or ''} -> {c.after or ''}")
    return "\n".join(lines)


def run_harvest(args: argparse.Namespace, principal: Principal) -> int:
    paths = [Path(f) for f in args.files]
    for path in paths:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise TooLarge.of("definitions.bundle_too_large", limit=MAX_BUNDLE_BYTES)
    catalog = Catalog(get_settings(), with_store=False)
    try:
        publisher = _publisher(catalog, args.institution) if args.store else None
        results: list[dict[str, Any]] = []
        for path in paths:
            result = harvest_asset(
                catalog, principal, {path.name: path.read_bytes()},
                code=_code(path, args.code, len(paths) > 1), publisher=publisher,
                asset_type=args.type, dry_run=not args.store)
            if args.format == "json":
                results.append(result.to_dict())
            else:
                print(_text(result))
        if args.format == "json":
            print(json.dumps({"assets": results}, ensure_ascii=False, indent=2))
    finally:
        catalog.close()
    return 0
