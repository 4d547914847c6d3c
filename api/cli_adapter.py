"""``semcat adapter``: check a mapping, run a source (dry run or apply), list adapters and
their runs, read a run's report, mark an adapter trusted."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.settings import get_settings

if TYPE_CHECKING:  # the commands import what they run: `semcat --help` or `semcat token` does
    from adapters.mapping.spec import MappingSpec  # not load the adapters and the catalogue
    from adapters.sync.runner import RunReport
    from catalog.core import Catalog


def _text(msg: dict[str, str] | Any, lang: str) -> str:
    return str(msg.get(lang) or msg.get("en")) if isinstance(msg, dict) else str(msg)


def print_report(report: RunReport, lang: str = "en", *, every: bool = False) -> None:
    run = report.run
    verb = "plan" if run.dry_run else "run"
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    print(f"adapter {run.adapter}: {verb} {run.id} {run.status}: {counts}")
    for o in report.records:
        detail = o.detail if isinstance(o.detail, dict) else {}
        if o.status == "rejected":
            print(f"  rejected {o.key} ({detail.get('where', o.position)}):")
            for r in detail.get("reasons", []):
                field = f"{r['field']}: " if r.get("field") and \
                    r["field"] not in _text(r.get("message", {}), lang) else ""
                print(f"    - {field}{_text(r.get('message', {}), lang)}")
        elif o.status == "updated" and "diff" in detail:
            print(f"  updated {o.code}: {_text(detail['diff'].get('summary', {}), lang)}")
            for c in detail["diff"].get("changes", [])[:20]:
                print(f"    - {_text(c.get('text', {}), lang)}")
        elif every:
            print(f"  {o.status} {o.code or o.key}")


def _catalog(*, with_store: bool = False) -> Catalog:
    from api.cli import open_catalog

    return open_catalog(with_store=with_store)


def _spec(name_or_path: str) -> MappingSpec:
    from adapters.mapping.library import find

    return find(get_settings().adapters_dir, name_or_path)


def cmd_check(args: argparse.Namespace) -> int:
    from adapters.mapping.engine import RecordMapper
    from adapters.mapping.spec import load
    from adapters.sync.runner import Sync

    spec = load(Path(args.file))
    RecordMapper(spec)  # every expression compiles
    catalog = _catalog()
    try:
        sync = Sync(catalog, spec)  # kind and institution known
        sync.source().close()  # the source can be opened (file found, caps kept)
    finally:
        catalog.close()
    print(f"ok: {spec.name} ({spec.source_type} source, {spec.kind} records of "
          f"{spec.institution}, {len(spec.fields)} fields, "
          f"{len(spec.crosswalks)} crosswalks)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from adapters.sync.runner import Sync

    spec = _spec(args.adapter)
    catalog = _catalog(with_store=not args.dry_run)
    show = args.format == "text" and not args.no_progress and sys.stderr.isatty()
    bar = tqdm(desc=spec.name, unit=" records", disable=not show, file=sys.stderr)
    try:
        sync = Sync(catalog, spec, on_record=lambda: bar.update(1))
        report = sync.plan() if args.dry_run else sync.apply()
    finally:
        bar.close()
        catalog.close()
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_report(report, args.lang)
    return 1 if report.counts.get("rejected") else 0


def cmd_list(_args: argparse.Namespace) -> int:
    from adapters.mapping.library import all_mappings
    from adapters.mapping.spec import MappingSpec
    from catalog.ledger import syncs

    settings = get_settings()
    catalog = _catalog()
    try:
        for path, spec in all_mappings(settings.adapters_dir):
            if not isinstance(spec, MappingSpec):
                print(f"{path.stem}\tINVALID\t{spec}")
                continue
            last = syncs.runs(catalog.engine, spec.name, limit=1)
            state = f"last run {last[0].id} {last[0].status}" if last else "never run"
            trust = "trusted" if syncs.trusted(catalog.engine, spec.name) else "drafts"
            print(f"{spec.name}\t{spec.source_type}\t{trust}\t{state}\t{spec.title}")
    finally:
        catalog.close()
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from catalog.ledger import syncs

    catalog = _catalog()
    try:
        for r in syncs.runs(catalog.engine, args.adapter, limit=args.limit):
            kind = "plan" if r.dry_run else "run"
            print(f"{r.id}\t{kind}\t{r.status}\t{r.started_at:%Y-%m-%d %H:%M:%S}\t"
                  + " ".join(f"{k}={v}" for k, v in r.counts.items()))
    finally:
        catalog.close()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from adapters.sync.runner import RunReport
    from catalog.errors import NotFound
    from catalog.ledger import syncs

    catalog = _catalog()
    try:
        row = syncs.run(catalog.engine, args.adapter, args.run)
        if row is None:
            raise NotFound.of("adapter.no_run", field="run", value=args.run, name=args.adapter)
        report = RunReport(row, dict(row.counts), syncs.outcomes(catalog.engine, row.id,
                                                                  limit=1_000_000))
    finally:
        catalog.close()
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print_report(report, args.lang, every=True)
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    from adapters.sync.trust import set_trust
    from api.cli import operator

    spec = _spec(args.adapter)
    catalog = _catalog()
    try:
        set_trust(catalog, spec.name, not args.revoke, operator(args))
    finally:
        catalog.close()
    state = "drafts for review" if args.revoke else "published without review"
    print(f"adapter {spec.name}: its records are now {state}")
    return 0


def cmd_crosswalks(args: argparse.Namespace) -> int:
    from adapters.crosswalks.catalogue import publish, sssom
    from api.cli import operator

    spec = _spec(args.adapter)
    catalog = _catalog(with_store=args.publish)
    try:
        if args.publish:
            report = publish(catalog, spec, operator(args))
            counts = ", ".join(f"{k} {v}" for k, v in report.summary().items())
            print(f"crosswalks of {spec.name} as code lists: {counts}", file=sys.stderr)
        else:
            sys.stdout.write(sssom(catalog, spec))
    finally:
        catalog.close()
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("adapter", help="adapters: check a mapping, run a source (dry run or "
                       "apply), list adapters and runs, read a report, trust an adapter")
    acts = p.add_subparsers(dest="action", required=True)
    s = acts.add_parser("check", help="check a mapping file (schema, expressions, source, "
                        "kind, institution)")
    s.add_argument("file")
    s.set_defaults(func=cmd_check)
    s = acts.add_parser("run", help="run an adapter: FILE or NAME (a mapping of "
                        "SEMCAT_ADAPTERS_DIR)")
    s.add_argument("adapter")
    s.add_argument("--dry-run", action="store_true",
                   help="the plan only: create / update (with diffs) / unchanged / reject")
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--lang", choices=["en", "ro"], default="en")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_run)
    s = acts.add_parser("list", help="the adapters of SEMCAT_ADAPTERS_DIR")
    s.set_defaults(func=cmd_list)
    s = acts.add_parser("runs", help="the runs of an adapter, newest first")
    s.add_argument("adapter")
    s.add_argument("--limit", type=int, default=20)
    s.set_defaults(func=cmd_runs)
    s = acts.add_parser("report", help="the report of one run")
    s.add_argument("adapter")
    s.add_argument("run", type=int)
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--lang", choices=["en", "ro"], default="en")
    s.set_defaults(func=cmd_report)
    s = acts.add_parser("trust", help="publish an adapter's records without review (admin)")
    s.add_argument("adapter")
    s.add_argument("--revoke", action="store_true", help="back to drafts for review")
    s.add_argument("--author", help="who decides (audit log; default: your login name)")
    s.set_defaults(func=cmd_trust)
    s = acts.add_parser("crosswalks", help="an adapter's crosswalks (and its keys' codes): "
                        "SSSOM TSV on stdout, or --publish them as SKOS code lists")
    s.add_argument("adapter")
    s.add_argument("--publish", action="store_true",
                   help="publish them in the catalogue (queryable in SPARQL)")
    s.add_argument("--author", help="who publishes (audit log; default: your login name)")
    s.set_defaults(func=cmd_crosswalks)
