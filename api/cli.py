"""The ``semcat`` command line: serve, import, export, validate, rebuild, settings."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.errors import CatalogError, InvalidRecord, StoreUnavailable
from catalog.settings import Settings, get_settings, settings_markdown
from catalog.workflow.access import Principal

if TYPE_CHECKING:
    from catalog.core import Catalog
    from catalog.intake.readers import BulkItem

# The catalogue (shapes, rdflib, the store) is imported by the commands that open it, not here:
# `semcat token` and `semcat settings` need the ledger or nothing, and start in a third of the
# time.


def open_catalog(settings: Settings | None = None, *, with_store: bool = True) -> Catalog:
    """The catalogue of ``settings`` (the environment's by default), for a command that needs
    it; the other CLI modules open it through here too."""
    from catalog.core import Catalog

    return Catalog(settings or get_settings(), with_store=with_store)


def _items(catalog: Catalog, path: Path) -> list[BulkItem]:
    """The records of a file (JSON, JSON Lines, CSV or any RDF format), by its extension."""
    from catalog.codelists.codes import CatalogCodes
    from catalog.intake.readers import bulk_items

    return bulk_items(path.read_bytes(), path.name, catalog.settings, CatalogCodes(catalog))


def _open_for_writing(ledger_only: bool) -> Catalog:
    """The catalog with its store, or ledger-only when a running server holds the store."""
    if not ledger_only:
        try:
            return open_catalog()
        except StoreUnavailable as exc:
            print(f"note: {exc}; writing the ledger only, the running server will project it",
                  file=sys.stderr)
    return open_catalog(with_store=False)


def operator(args: argparse.Namespace) -> Principal:
    """The operator at the command line: ``--author``, else the login name."""
    return Principal.operator(args.author or getpass.getuser())


def cmd_import(args: argparse.Namespace) -> int:
    from api.cli_import import run_import

    catalog = _open_for_writing(args.ledger_only)
    try:
        return run_import(catalog, operator(args), args)
    finally:
        catalog.close()


def cmd_validate(args: argparse.Namespace) -> int:
    from catalog.intake.readers import Unreadable

    catalog = open_catalog(with_store=False)
    bad = 0
    try:
        for f in args.files:
            path = Path(f)
            if path.suffix in (".json", ".jsonl", ".ndjson", ".csv"):
                results = []
                for item in _items(catalog, path):
                    if isinstance(item, Unreadable):
                        raise item.error
                    results.append((item, catalog.validate(item)))
            else:
                results = catalog.validate_document(path.read_bytes(), path.name)
            for d, rep in results:
                bad += 0 if rep.conforms else 1
                if args.json:
                    print(json.dumps({"record": d.iri, **rep.to_dict()}, ensure_ascii=False))
                    continue
                state = "ok" if rep.conforms else "INVALID"
                print(f"{state} {d.iri} ({len(rep.violations)} violations, "
                      f"{len(rep.warnings)} warnings)")
                for fi in rep.findings:
                    msg = fi.message_ro if args.lang == "ro" else fi.message_en
                    print(f"  [{fi.severity}] {fi.focus} {fi.path or ''}: {msg}")
    finally:
        catalog.close()
    return 1 if bad else 0


def cmd_export(args: argparse.Namespace) -> int:
    catalog = open_catalog(with_store=False)
    try:
        data = catalog.export(args.format)
    finally:
        catalog.close()
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_rebuild(_args: argparse.Namespace) -> int:
    catalog = open_catalog()
    try:
        n = catalog.rebuild()
        pending = catalog.verifying()
        if pending is not None and catalog.store_projection is not None:
            # an earlier holder died with an update in flight: its graphs are verified once it
            # can no longer land, so the rebuild is not undone by it
            print(f"verifying {pending[0]} graph(s) an earlier projector may still be writing, "
                  f"for up to {max(0.0, pending[1] - time.time()):.0f} s", file=sys.stderr)
            catalog.store_projection.verify(wait=True)
        print(f"rebuilt {n} graphs at change {catalog.status().store_watermark}")
    finally:
        catalog.close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    overrides: dict[str, object] = {}
    if args.demo:
        overrides["load_demo"] = True
    settings = get_settings(**overrides)
    host, port = args.host or settings.host, args.port or settings.port
    from api.serving import uvicorn_options

    options = uvicorn_options(settings)
    if settings.workers > 1:  # each worker builds its app from the same SEMCAT_* environment
        _prepare_for_workers(settings)
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port,
                    workers=settings.workers,
                    timeout_worker_healthcheck=settings.worker_start_timeout_s, **options)
        return 0
    from api.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, **options)
    return 0


def _prepare_for_workers(settings: Settings) -> None:
    """What must happen once before several workers start on one ledger: its migration
    (workers migrating a fresh SQLite ledger at once died on "database is locked", and uvicorn
    started them again) and the demo's first load (two workers each finding the catalogue
    empty would both load it). The workers then start with the demo already in."""
    catalog = open_catalog(settings, with_store=False)
    try:
        if settings.load_demo:
            from catalog.demo import load_demo

            print(f"demo data: {load_demo(catalog).summary()}", file=sys.stderr)
    finally:
        catalog.close()
    os.environ["SEMCAT_LOAD_DEMO"] = "false"


def cmd_token(args: argparse.Namespace) -> int:
    """Tokens live in the ledger: it is opened (and migrated) alone, without the catalogue."""
    from catalog.ledger.db import create_db_engine, migrate
    from catalog.workflow.access import Tokens

    engine = create_db_engine(get_settings().resolved_database_url)
    migrate(engine)
    tokens = Tokens(engine)
    try:
        if args.action == "create":
            token_id, secret = tokens.create(args.institution, args.role, args.label or "",
                                             by=operator(args).actor)
            print(f"token {token_id} for {args.institution} ({args.role}); shown only now:",
                  file=sys.stderr)
            print(secret)
        elif args.action == "revoke":
            tokens.revoke(args.id, by=operator(args).actor)
            print(f"token {args.id} revoked")
        else:
            for t in tokens.list():
                state = "revoked" if t.revoked_at else "active"
                print(f"{t.id}\t{t.role}\t{state}\t{t.label}")
    finally:
        engine.dispose()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from api.cli_import import print_report
    from catalog.demo import load_demo

    catalog = _open_for_writing(args.ledger_only)
    try:
        report = load_demo(catalog)
        print_report(report)
        return 1 if report.rejected else 0
    finally:
        catalog.close()


def cmd_harvest(args: argparse.Namespace) -> int:
    from api.cli_harvest import run_harvest

    return run_harvest(args, operator(args))


def cmd_settings(args: argparse.Namespace) -> int:
    if args.markdown:
        print(settings_markdown())
    else:
        print(get_settings().model_dump_json(indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="semcat", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the hub (HTTP API, SPARQL, projector)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--demo", action="store_true", help="load the demo nomenclature first")
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("import", help="import Turtle, TriG, N-Quads, JSON-LD, RDF/XML, JSON, "
                       "JSON Lines or CSV (docs/csv.md)")
    s.add_argument("files", nargs="+")
    s.add_argument("--per-record", action="store_true",
                   help="commit valid records and report rejected ones (default: all or none)")
    s.add_argument("--author", help="who imports (recorded in the history and the audit log; "
                   "default: your login name)")
    s.add_argument("--publish", action="store_true",
                   help="publish at once (default: new versions are drafts for review)")
    s.add_argument("--batch-size", type=int, default=500,
                   help="records per committed batch with --per-record (default 500)")
    s.add_argument("--progress-every", type=float, default=10.0, metavar="SECONDS",
                   help="seconds between progress lines when stderr is not a terminal")
    s.add_argument("--ledger-only", action="store_true",
                   help="write the ledger only; a running server projects the changes")
    s.add_argument("--reader", choices=["auto", "process", "inline"], default="inline",
                   help="read and validate in this process (inline, the default: the least "
                   "memory), in a second process while this one writes (process: faster on "
                   "two free cores, ~100 MB more), or a second one for files of 4 MiB or more "
                   "(auto)")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("validate", help="validate records in files without storing them")
    s.add_argument("files", nargs="+")
    s.add_argument("--json", action="store_true")
    s.add_argument("--lang", choices=["ro", "en"], default="en")
    s.set_defaults(func=cmd_validate)
    s = sub.add_parser("export", help="export every published record (TriG or N-Quads)")
    s.add_argument("--format", default="nquads", choices=["nquads", "trig"])
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_export)
    s = sub.add_parser("rebuild", help="rebuild the quad store from the ledger")
    s.set_defaults(func=cmd_rebuild)
    from api.cli_check import add_parser as add_check

    add_check(sub)
    s = sub.add_parser("token", help="issue, list and revoke API bearer tokens")
    s.add_argument("action", choices=["create", "list", "revoke"])
    s.add_argument("--institution", help="institution code, e.g. ASP (create)")
    s.add_argument("--role", choices=["publisher", "reviewer", "admin"], default="publisher")
    s.add_argument("--label")
    s.add_argument("--id", type=int, help="token id (revoke)")
    s.add_argument("--author", help="who acts (audit log; default: your login name)")
    s.set_defaults(func=cmd_token)
    s = sub.add_parser("demo", help="load the demo nomenclature (only the records that are "
                       "missing: it never writes over a record that exists)")
    s.add_argument("action", choices=["load"])
    s.add_argument("--ledger-only", action="store_true",
                   help="write the ledger only; a running server projects the changes")
    s.set_defaults(func=cmd_demo)
    from api.cli_adapter import add_parser as add_adapter_parser

    add_adapter_parser(sub)

    s = sub.add_parser("harvest", help="read WSDL, XSD, OpenAPI, JSON Schema or zip bundles "
                       "into their operations and elements (with --store: assets)")
    s.add_argument("files", nargs="+")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--store", action="store_true",
                   help="write each file as a draft version of an asset")
    s.add_argument("--institution", help="the institution that owns the assets (--store)")
    s.add_argument("--code", help="the asset's code (default: the file's name)")
    s.add_argument("--type", help="ADMS asset type (default: by format)")
    s.add_argument("--author", help="who harvests (history and audit; default: your login)")
    s.set_defaults(func=cmd_harvest)
    s = sub.add_parser("settings", help="show the effective settings")
    s.add_argument("--markdown", action="store_true", help="the README table")
    s.set_defaults(func=cmd_settings)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if exc.message_ro != exc.message:
            print(f"eroare: {exc.message_ro}", file=sys.stderr)
        if isinstance(exc, InvalidRecord):
            for o in exc.outcomes.rejected if exc.outcomes is not None else []:
                where = o.iri or o.position
                if o.error is not None:
                    print(f"  {where}: {o.error}", file=sys.stderr)
                for f in o.report.violations if o.report else []:
                    print(f"  {where}: {f.path or f.focus}: {f.message_en}", file=sys.stderr)
            if exc.outcomes is None:
                for f in exc.report.violations:
                    print(f"  {f.path or f.focus}: {f.message_en}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
