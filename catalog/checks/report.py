"""A check run written out: JSON (the API's and ``semcat check``'s), CSV (one row per finding)
and a self-contained HTML report (escaped text, no script, no external resource)."""

from __future__ import annotations

import csv
import io
import json
from html import escape

from catalog.checks.rules import RULES
from catalog.checks.run import CheckRun

CSV_COLUMNS = ("rule", "severity", "record", "code", "institution", "other", "act", "value",
               "detail", "message_ro", "message_en", "message_ru")


def to_json(run: CheckRun) -> str:
    return json.dumps(run.to_dict(), ensure_ascii=False, indent=2)


def to_csv(run: CheckRun) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for f in run.findings:
        row = [f.rule, f.severity, f.record, f.code, f.institution, f.other, f.act, f.value,
               f.detail, f.message.get("ro"), f.message.get("en"), f.message.get("ru")]
        # a cell that a spreadsheet would read as a formula is quoted as text
        w.writerow(["'" + c if c and c[0] in "=+-@\t\r" else (c or "") for c in row])
    return out.getvalue()


_HEAD = {"ro": "Raport de verificare a catalogului", "en": "Catalogue consistency report",
         "ru": "Отчёт о проверке каталога"}
_WHOLE = {"ro": "tot catalogul", "en": "whole catalogue", "ru": "весь каталог"}


def to_html(run: CheckRun, lang: str = "ro") -> str:
    lang = lang if lang in _HEAD else "ro"
    other = "en" if lang != "en" else "ro"
    titles = {r.id: r.title for r in RULES}
    head = _HEAD[lang]
    rows = "".join(
        f"<tr class=\"{escape(f.severity)}\"><td>{escape(f.rule)}</td>"
        f"<td>{escape(f.severity)}</td><td>{escape(f.code or '')}</td>"
        f"<td><a href=\"{escape(f.record)}\">{escape(f.record)}</a></td>"
        f"<td lang=\"{lang}\">{escape(f.message.get(lang, ''))}"
        f"<br><small lang=\"{other}\">{escape(f.message.get(other, ''))}</small></td></tr>"
        for f in run.findings)
    summary = "".join(
        f"<tr><td>{escape(rule)}</td><td>{escape(titles.get(rule, {}).get(lang, ''))}</td>"
        f"<td>{count}</td></tr>" for rule, count in run.by_rule().items())
    scope = escape(run.institution or _WHOLE[lang])
    counts = ", ".join(f"{s}: {run.count(s)}" for s in ("violation", "warning", "info"))
    return (f"<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{head}</title><style>td{{padding:2px 6px;vertical-align:top}}"
            f".violation td:nth-child(2){{color:#a00}}</style></head><body>"
            f"<h1>{head}</h1><p>{escape(run.date.isoformat())} · {scope} · {escape(counts)}</p>"
            f"<table><tbody>{summary}</tbody></table>"
            f"<table><thead><tr><th>rule</th><th>severity</th><th>code</th><th>record</th>"
            f"<th>message</th></tr></thead><tbody>{rows}</tbody></table></body></html>")


__all__ = ["CSV_COLUMNS", "to_csv", "to_html", "to_json"]
