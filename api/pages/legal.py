"""``/legal``: the consistency report for legal teams. The findings of the rules
(:mod:`catalog.checks`) over the published catalogue, filtered by rule, institution and severity
(a plain GET form), each linked to the record concerned and with the rule's legal source, a
page of :data:`PAGE_SIZE` at a time (``?page=``, previous and next links keep the filters) under
the counts by rule and severity of the whole filtered run; the
trend of findings from the recorded runs (``semcat check --record``) as a table and a bar chart
drawn here in SVG (no script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import CatalogDep
from api.pages.labels import language, pick
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from catalog import gates
from catalog.checks import RULES, SEVERITIES, CheckRun
from catalog.checks.history import RunSummary, history
from catalog.core import Catalog
from catalog.errors import InvalidInput

router = APIRouter()
#: the runs the trend shows (the latest)
TREND_RUNS = 30
#: the findings one page shows
PAGE_SIZE = 100
_CHART = {"width": 600, "height": 160, "top": 10, "bottom": 20}

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "heading": {"ro": "Raport de conformitate juridică", "en": "Legal consistency report",
                "ru": "Отчёт о правовой согласованности"},
    "intro": {"ro": "Verificările catalogului publicat față de lege și nomenclator, la data de",
              "en": "The checks of the published catalogue against the law and the "
              "nomenclature, on",
              "ru": "Проверки опубликованного каталога на соответствие закону и номенклатуре "
              "на"},
    "filters": {"ro": "Filtre", "en": "Filters", "ru": "Фильтры"},
    "rule": {"ro": "Regula", "en": "Rule", "ru": "Правило"},
    "institution": {"ro": "Instituția", "en": "Institution", "ru": "Учреждение"},
    "severity": {"ro": "Gravitatea", "en": "Severity", "ru": "Серьёзность"},
    "all": {"ro": "toate", "en": "all", "ru": "все"},
    "apply": {"ro": "Aplică", "en": "Apply", "ru": "Применить"},
    "reset": {"ro": "Toate constatările", "en": "All findings", "ru": "Все замечания"},
    "rules": {"ro": "Reguli", "en": "Rules", "ru": "Правила"},
    "source": {"ro": "Sursa juridică", "en": "Legal source", "ru": "Правовой источник"},
    "count": {"ro": "Constatări", "en": "Findings", "ru": "Замечания"},
    "findings": {"ro": "Constatări", "en": "Findings", "ru": "Замечания"},
    "record": {"ro": "Înregistrarea", "en": "Record", "ru": "Запись"},
    "message": {"ro": "Constatarea", "en": "Finding", "ru": "Замечание"},
    "none": {"ro": "Nicio constatare pentru aceste filtre.",
             "en": "No finding for these filters.",
             "ru": "Нет замечаний по этим фильтрам."},
    "trend": {"ro": "Evoluția constatărilor", "en": "Trend of findings",
              "ru": "Динамика замечаний"},
    "trend_desc": {"ro": "Constatări pe gravitate, la fiecare verificare înregistrată",
                   "en": "Findings by severity at each recorded check run",
                   "ru": "Замечания по серьёзности при каждой записанной проверке"},
    "no_runs": {"ro": "Nicio verificare înregistrată încă (semcat check --record).",
                "en": "No check run recorded yet (semcat check --record).",
                "ru": "Записанных проверок ещё нет (semcat check --record)."},
    "run_at": {"ro": "Data verificării", "en": "Check date", "ru": "Дата проверки"},
    "total": {"ro": "Total", "en": "Total", "ru": "Всего"},
    "download": {"ro": "Descarcă", "en": "Download", "ru": "Скачать"},
    "violation": {"ro": "încălcare", "en": "violation", "ru": "нарушение"},
    "warning": {"ro": "avertisment", "en": "warning", "ru": "предупреждение"},
    "info": {"ro": "informare", "en": "information", "ru": "информация"},
    "pages": {"ro": "Paginile constatărilor", "en": "Pages of findings",
              "ru": "Страницы замечаний"},
    "shown": {"ro": "Constatările", "en": "Findings", "ru": "Замечания"},
    "of": {"ro": "din", "en": "of", "ru": "из"},
    "page": {"ro": "Pagina", "en": "Page", "ru": "Страница"},
    "previous": {"ro": "Pagina anterioară", "en": "Previous page", "ru": "Предыдущая страница"},
    "next": {"ro": "Pagina următoare", "en": "Next page", "ru": "Следующая страница"},
}


@dataclass(frozen=True)
class Filters:
    rule: str | None
    institution: str | None
    severity: str | None

    def query(self, **more: str) -> str:
        pairs = {"rule": self.rule, "institution": self.institution,
                 "severity": self.severity, **more}
        return urlencode({k: v for k, v in pairs.items() if v})


def _checked(value: str | None, allowed: list[str], field: str, message: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise InvalidInput.of(message, field=field, value=value[:64])
    return value


def _trend(runs: list[RunSummary], ui: dict[str, str]) -> dict[str, Any]:
    """The runs as rows, and the stacked bars of the chart (violations at the bottom)."""
    rows: list[dict[str, Any]] = [{"date": r.date, "at": r.at[:16].replace("T", " "),
                                   **r.summary, "total": sum(r.summary.values())}
                                  for r in runs]
    w, h, top, bottom = (_CHART[k] for k in ("width", "height", "top", "bottom"))
    peak = max((r["total"] for r in rows), default=0) or 1
    slot = w / max(len(rows), 1)
    bars = []
    for i, r in enumerate(rows):
        y = float(h - bottom)
        for severity in SEVERITIES:
            height = (h - top - bottom) * r[severity] / peak
            if height:
                y -= height
                bars.append({"x": round(i * slot + slot * 0.15, 1), "y": round(y, 1),
                             "width": round(slot * 0.7, 1), "height": round(height, 1),
                             "severity": severity,
                             "title": f"{r['date']}: {ui[severity]} {r[severity]}"})
    return {"rows": rows, "bars": bars, "peak": peak, "width": w, "height": h,
            "axis": h - bottom}


def _href(iri: str, base: str, lang: str) -> str | None:
    if iri.startswith(base):  # the catalogue's own records: their page on this server
        return f"{urlsplit(base).path}{iri[len(base):]}?lang={lang}"
    return gates.safe_link(iri)


def _pager(total: int, asked: int, filters: Filters, lang: str) -> dict[str, Any]:
    """Which findings the page shows (a page past the last shows the last), and the links to
    the pages around it with the same filters."""
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(asked, pages)

    def href(n: int) -> str:
        return f"/legal?{filters.query(page=str(n))}&lang={lang}"

    start = (number - 1) * PAGE_SIZE
    return {"page": number, "pages": pages, "total": total, "start": start,
            "first": start + 1 if total else 0, "last": min(start + PAGE_SIZE, total),
            "previous": href(number - 1) if number > 1 else None,
            "next": href(number + 1) if number < pages else None}


def _page(catalog: Catalog, lang: str, asked: Filters, page: int = 1) -> str:
    ui = {k: v.get(lang, v["ro"]) for k, v in _UI.items()}
    checks = catalog.checks()
    orgs = checks.institutions()  # organisation IRI -> institution code
    codes = sorted(orgs.values())
    filters = Filters(
        _checked(asked.rule, [r.id for r in RULES], "rule", "checks.unknown_rule"),
        _checked(asked.institution, codes, "institution", "checks.unknown_institution"),
        _checked(asked.severity, list(SEVERITIES), "severity", "checks.unknown_severity"))
    today = date.today()
    # one run of the rules a day and projection state, filtered here (not a run a request)
    run: CheckRun = checks.latest(today).only(rule=filters.rule,
                                              institution=filters.institution,
                                              severity=filters.severity)
    pager = _pager(len(run.findings), page, filters, lang)
    base = catalog.settings.base_uri
    rules = {r.id: r for r in RULES}
    counts = run.by_rule()  # once: a pass over every finding

    def text(texts: dict[str, str]) -> dict[str, str | None]:
        """The text in the page's language, else English, with the language it is in."""
        shown = lang if texts.get(lang) else "en" if texts.get("en") else "ro"
        return {"text": texts.get(shown), "lang": shown}

    findings = [{"severity": f.severity, "severity_text": ui[f.severity], "rule": f.rule,
                 "rule_title": text(rules[f.rule].title), "source": rules[f.rule].source,
                 "record": f.record, "record_href": _href(f.record, base, lang),
                 "record_text": f.code or pick(catalog.label(f.record), lang) or f.record,
                 "institution": f.institution, "message": text(f.message)}
                for f in run.findings[pager["start"]:pager["start"] + PAGE_SIZE]]
    names = {code: pick(catalog.label(iri), lang) or code for iri, code in orgs.items()}
    runs = history(catalog.engine, institution=filters.institution, limit=TREND_RUNS)
    return TEMPLATES.get_template("legal.html").render(
        lang=lang, ui=ui, languages=LANGUAGE_NAMES, home="/", here="/legal",
        alternates=[{"media": "text/csv", "name": "CSV",
                     "href": f"/api/v1/checks?{filters.query(format='csv')}"},
                    {"media": "application/json", "name": "JSON",
                     "href": f"/api/v1/checks?{filters.query(format='json')}"}],
        heading=ui["heading"], today=today.isoformat(), filters=filters,
        rules=[{"id": r.id, "title": text(r.title), "severity": r.severity,
                "severity_text": ui[r.severity], "source": r.source,
                "rationale": text(r.rationale), "count": counts.get(r.id, 0),
                "href": f"?{Filters(r.id, filters.institution, filters.severity).query()}"
                        f"&lang={lang}"}
               for r in RULES if filters.rule in (None, r.id)],
        rule_options=[{"id": r.id, "title": text(r.title)["text"]} for r in RULES],
        institutions=[{"code": c, "name": names[c]} for c in codes],
        severities=[{"id": s, "text": ui[s]} for s in SEVERITIES],
        findings=findings, pager=pager, trend=_trend(runs, ui),
        summary=[{"id": s, "text": ui[s], "count": run.count(s)} for s in SEVERITIES])


_RULE = Query(None, max_length=64, description="Only this rule's findings")
_INSTITUTION = Query(None, max_length=64, description="Only this institution's findings")
_SEVERITY = Query(None, max_length=16, description="Only findings of this severity")
_PAGE = Query(1, ge=1, le=10**6, description="Which page of findings (a page past the last "
              "shows the last)")


@router.get("/legal", include_in_schema=False, response_class=HTMLResponse)
async def legal_report(request: Request, catalog: CatalogDep, rule: str | None = _RULE,
                       institution: str | None = _INSTITUTION,
                       severity: str | None = _SEVERITY, page: int = _PAGE
                       ) -> HTMLResponse:
    """The report page (HTML; the same findings as data: GET /api/v1/checks)."""
    lang = language(request)
    body = await run_in_threadpool(_page, catalog, lang, Filters(rule, institution, severity),
                                   page)
    return HTMLResponse(body, headers={"Content-Language": lang, "Vary": "Accept-Language"})


__all__ = ["PAGE_SIZE", "TREND_RUNS", "router"]
