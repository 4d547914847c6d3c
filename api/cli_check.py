"""``semcat check``: the consistency rules over the catalogue, one institution, or a draft as if
published; ``--rules`` lists them. Exit 0 without violations, 1 with, 2 on a usage error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.errors import InvalidInput

if TYPE_CHECKING:  # the command imports what it runs: building the parser loads nothing else
    from catalog.core import Catalog
    from catalog.records import RecordDraft


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("check", help="run the consistency rules (legal basis, duplicates, "
                       "once-only, nomenclature); exit 1 when there are violations")
    s.add_argument("--institution", metavar="CODE", help="only the findings of one institution")
    s.add_argument("--draft", metavar="FILE", help="what-if: the records of FILE (any import "
                   "format) as if published; shows the findings they add and resolve")
    s.add_argument("--format", choices=["json", "csv", "html"], default="json")
    s.add_argument("--lang", choices=["ro", "en", "ru"], default="ro",
                   help="the language of the HTML report (default: ro)")
    s.add_argument("--date", metavar="YYYY-MM-DD", help="the check date (default: today)")
    s.add_argument("--rule", action="append", metavar="ID", help="only this rule (repeatable)")
    s.add_argument("--rules", action="store_true", help="list the rules and exit")
    s.add_argument("-o", "--output", help="write the report to a file")
    s.add_argument("--record", action="store_true", help="keep the run's counts in the history "
                   "(GET /api/v1/checks/history: the trend of findings per rule)")
    s.set_defaults(func=cmd_check)


def _draft(catalog: Catalog, path: Path) -> list[RecordDraft]:
    from catalog.intake.readers import Unreadable, bulk_items

    if not path.is_file():
        raise InvalidInput.of("checks.draft_empty", field="draft", value=str(path))
    drafts: list[RecordDraft] = []
    for item in bulk_items(path.read_bytes(), path.name, catalog.settings):
        if isinstance(item, Unreadable):
            raise item.error
        drafts.append(item)
    if not drafts:
        raise InvalidInput.of("checks.draft_empty", field="draft", value=str(path))
    return drafts


def cmd_check(args: argparse.Namespace) -> int:
    from api.cli import open_catalog
    from catalog.checks import RULES, check_date
    from catalog.checks.history import record
    from catalog.checks.report import to_csv, to_html, to_json

    if args.rules:
        for r in RULES:
            print(f"{r.id}\t{r.severity}\t{r.title['en']} / {r.title['ro']}")
        return 0
    on = check_date(args.date)
    catalog = open_catalog(with_store=False)
    try:
        checks = catalog.checks()
        if args.draft:
            what_if = checks.what_if(_draft(catalog, Path(args.draft)), on,
                                     institution=args.institution)
            run = what_if.run
            if args.format == "json":
                import json

                text = json.dumps({**run.to_dict(), "what_if": {
                    "added": [f.to_dict() for f in what_if.added],
                    "resolved": [f.to_dict() for f in what_if.resolved]}},
                    ensure_ascii=False, indent=2)
            else:
                text = to_csv(run) if args.format == "csv" else to_html(run, args.lang)
            print(f"what-if: {len(what_if.added)} findings added, {len(what_if.resolved)} "
                  "resolved", file=sys.stderr)
        else:
            run = checks.run(on, institution=args.institution, only=args.rule)
            text = (to_html(run, args.lang) if args.format == "html"
                    else {"json": to_json, "csv": to_csv}[args.format](run))
            if args.record:
                record(catalog.engine, run)
    finally:
        catalog.close()
    if args.output:
        Path(args.output).write_text(text, "utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    print(f"{run.count('violation')} violations, {run.count('warning')} warnings, "
          f"{run.count('info')} info", file=sys.stderr)
    return 1 if run.count("violation") else 0
