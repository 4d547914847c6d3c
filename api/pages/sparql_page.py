"""The query page a browser gets at ``/sparql`` without a query: an editor (CodeMirror, from
web/src/sparql.js) over a plain form, the named example queries of ``examples/``, results as a
table, downloads in each format, readable errors and a cancel button.

Without scripts the page still works: the examples form (``?example=NAME``) puts an example in
the text box, and the query form is a GET to the endpoint with a ``format``.

An example is a ``.rq`` file with a ``#+`` header: ``summary`` (one sentence, English) and
``title`` (``ro = ... | en = ... | ru = ...``). Its IRIs of the catalogue are relative: the page
shows it after a ``BASE`` of this hub's ``SEMCAT_BASE_URI``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import Request

from api.pages.labels import language, pick
from api.pages.render import LANGUAGE_NAMES, TEMPLATES
from catalog.settings import Settings

_EXAMPLES = Path(__file__).parent / "examples"
#: the formats a result is offered in (``format=`` of the endpoint)
FORMATS = ("json", "xml", "csv", "tsv")

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "sparql": {"ro": "Interogare SPARQL", "en": "SPARQL query", "ru": "Запрос SPARQL"},
    "intro": {"ro": "Graful implicit este reuniunea înregistrărilor publicate: un graf "
              "numit pentru fiecare pașaport, organizație, nomenclator, act normativ și "
              "locație.",
              "en": "The default graph is the union of the published records: one named "
              "graph per passport, organisation, code list, legal act and location.",
              "ru": "Граф по умолчанию — объединение опубликованных записей: по одному "
              "именованному графу на паспорт, организацию, справочник, акт и место."},
    "limits": {"ro": "Doar citire: SERVICE, LOAD și actualizările sunt refuzate; fiecare "
               "interogare are o limită de timp și de rânduri.",
               "en": "Read-only: SERVICE, LOAD and updates are refused; every query has a "
               "time limit and a row limit.",
               "ru": "Только чтение: SERVICE, LOAD и изменения запрещены; у каждого "
               "запроса есть ограничение по времени и по числу строк."},
    "examples": {"ro": "Exemple", "en": "Examples", "ru": "Примеры"},
    "load": {"ro": "Încarcă exemplul", "en": "Load the example", "ru": "Загрузить пример"},
    "query": {"ro": "Interogarea (SPARQL 1.1)", "en": "The query (SPARQL 1.1)",
              "ru": "Запрос (SPARQL 1.1)"},
    "result_format": {"ro": "Format", "en": "Format", "ru": "Формат"},
    "run": {"ro": "Execută", "en": "Run", "ru": "Выполнить"},
    "cancel": {"ro": "Anulează", "en": "Cancel", "ru": "Отменить"},
    "results": {"ro": "Rezultate", "en": "Results", "ru": "Результаты"},
    "download": {"ro": "Descarcă", "en": "Download", "ru": "Скачать"},
    "running": {"ro": "Se execută…", "en": "Running…", "ru": "Выполняется…"},
    "cancelled": {"ro": "Interogare anulată.", "en": "Query cancelled.",
                  "ru": "Запрос отменён."},
    "rows": {"ro": "rânduri", "en": "rows", "ru": "строк"},
    "truncated": {"ro": "Rezultatul a fost trunchiat la limita de rânduri.",
                  "en": "The result was cut at the row limit.",
                  "ru": "Результат обрезан по пределу строк."},
    "error": {"ro": "Interogarea nu a reușit", "en": "The query failed",
              "ru": "Запрос не выполнен"},
    "unreachable": {"ro": "Serverul nu a putut fi contactat.",
                    "en": "The server could not be reached.",
                    "ru": "Не удалось связаться с сервером."},
    "yes": {"ro": "Da", "en": "Yes", "ru": "Да"},
    "no": {"ro": "Nu", "en": "No", "ru": "Нет"},
    "keyboard": {"ro": "Ctrl+Enter execută interogarea; Tab iese din editor.",
             "en": "Ctrl+Enter runs the query; Tab leaves the editor.",
             "ru": "Ctrl+Enter выполняет запрос; Tab выходит из редактора."},
}


@dataclass(frozen=True)
class Example:
    name: str  # the file's name without .rq
    summary: str
    title: dict[str, str]
    text: str  # the query after its header, with relative IRIs

    def for_hub(self, base_uri: str) -> str:
        return f"BASE <{base_uri}>\n{self.text}"


def _read(path: Path) -> Example:
    fields: dict[str, str] = {}
    lines = path.read_text("utf-8").splitlines()
    body = [line for line in lines if not line.startswith("#+")]
    for line in lines:
        if line.startswith("#+"):
            key, _, value = line[2:].partition(":")
            fields[key.strip()] = value.strip()
    titles = {k.strip(): v.strip() for k, _, v in
              (part.partition("=") for part in fields.get("title", "").split("|"))}
    if not fields.get("summary") or set(titles) != {"ro", "en", "ru"}:
        raise ValueError(f"{path.name}: the header needs a summary and a title in ro, en, ru")
    return Example(path.stem, fields["summary"], titles, "\n".join(body).strip() + "\n")


@cache
def examples() -> tuple[Example, ...]:
    """The named example queries, in the order of their file names."""
    return tuple(_read(p) for p in sorted(_EXAMPLES.glob("*.rq")))


def sparql_page(request: Request, settings: Settings) -> str:
    """The query page, with the example ``?example=`` names (else the first) in the editor."""
    lang = language(request)
    ui = {k: v.get(lang, v["ro"]) for k, v in _UI.items()}
    shown = examples()
    chosen = next((e for e in shown if e.name == request.query_params.get("example")),
                  shown[0])
    options = [{"name": e.name, "title": pick(e.title, lang), "summary": e.summary,
                "query": e.for_hub(settings.base_uri), "selected": e is chosen}
               for e in shown]
    return TEMPLATES.get_template("sparql.html").render(
        lang=lang, ui=ui, languages=LANGUAGE_NAMES, home="/", alternates=[], here="/sparql",
        heading=ui["sparql"], endpoint=request.url.path, examples=options,
        example=chosen.for_hub(settings.base_uri), summary=chosen.summary, formats=FORMATS)


__all__ = ["FORMATS", "Example", "examples", "sparql_page"]
