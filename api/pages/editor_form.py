"""The passport editor's form: the fields of a passport's plain JSON as flat form names
(``title.ro``, ``costs.0.currency``, ``audiences`` repeated), both ways, and where a finding's
JSON field is shown on the page.

A form is read into the passport's JSON as typed, without judging it (that is the core's job:
:func:`catalog.intake.passport_json.dry_run` and the write path): an empty Romanian text stays
empty (so the clerk is told, in their language, that it is empty), empty optional fields are
left out, a repeated part whose fields are all empty is dropped, and a part without a key or an
identifier gets one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import FormData

LANGS = ("ro", "en", "ru")
#: the repeated parts of a passport: JSON name -> (key prefix, identifier letters)
PARTS = {"requirements": ("requirement", "RQ"), "evidence": ("evidence", "EV"),
         "outputs": ("output", "OU"), "costs": ("cost", "CO"), "channels": ("channel", "CH")}
#: the plain text fields of each part (besides title and description in every language)
PART_TEXTS = {"requirements": (), "evidence": ("type", "data_service", "data_element"),
              "outputs": ("type",), "costs": ("value", "currency"),
              "channels": ("type", "url", "owned_by")}
#: the parts whose name in Romanian the profile requires (an empty one is kept, to be told)
TITLED = frozenset({"requirements", "evidence", "outputs"})
#: fields chosen from lists (checkboxes), each a list of IRIs
PICKED = ("legal_resources", "audiences", "life_events", "business_events", "thematic_areas",
          "languages", "spatial")
_PART_NAME = re.compile(r"^(requirements|evidence|outputs|costs|channels)\.([0-9]{1,3})\.(.+)$")
#: most parts a form may hold per group
MAX_PARTS = 200


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _texts(form: FormData, prefix: str, keep_ro: bool) -> dict[str, str]:
    """``{lang: text}`` of ``prefix.ro`` ...; the Romanian one kept even when empty."""
    out = {}
    for lang in LANGS:
        name = f"{prefix}.{lang}"
        if name in form and (_text(form, name) or (lang == "ro" and keep_ro)):
            out[lang] = _text(form, name)
    return out


def _listed(form: FormData, name: str) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in form.getlist(name)
                              if isinstance(v, str) and v.strip()))


def _indexes(form: FormData, group: str) -> list[int]:
    found = set()
    for name in form:
        m = _PART_NAME.match(name)
        if m and m.group(1) == group:
            found.add(int(m.group(2)))
    return sorted(found)[:MAX_PARTS]


def _filled(value: Any) -> bool:
    """Whether anything was typed or chosen (an empty Romanian text does not count)."""
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return any(_filled(v) for v in value)
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _part(form: FormData, group: str, n: int) -> dict[str, Any] | None:
    prefix = f"{group}.{n}"
    part: dict[str, Any] = {
        "title": _texts(form, f"{prefix}.title", keep_ro=group in TITLED),
        "description": _texts(form, f"{prefix}.description", keep_ro=False)}
    for name in PART_TEXTS[group]:
        if _text(form, f"{prefix}.{name}"):
            part[name] = _text(form, f"{prefix}.{name}")
    if group == "costs" and "value" in part:
        number = part["value"].replace(",", ".").replace(" ", "")
        part["value"] = number if re.fullmatch(r"[0-9]+(\.[0-9]+)?", number) else part["value"]
    if group == "evidence":
        flag = form.get(f"{prefix}.obtained_by_authority")
        if flag in ("true", "false"):
            part["obtained_by_authority"] = flag == "true"
        source = _texts(form, f"{prefix}.registry_source", keep_ro=False)
        if source:
            part["registry_source"] = source
    if group == "channels":
        part["locations"] = _listed(form, f"{prefix}.locations")
    if not _filled(part):
        return None
    part["key"] = _text(form, f"{prefix}.key")
    part["identifier"] = _text(form, f"{prefix}.identifier")
    return part


def to_document(form: FormData, code: str | None = None) -> dict[str, Any]:
    """The passport's plain JSON from the editor's form (``code`` fixed when editing)."""
    doc: dict[str, Any] = {"code": code or _text(form, "code"),
                           "title": _texts(form, "title", keep_ro=True),
                           "description": _texts(form, "description", keep_ro=True)}
    keywords = {lang: [w.strip() for w in _text(form, f"keywords.{lang}").split(",")
                       if w.strip()] for lang in LANGS}
    doc["keywords"] = {lang: words for lang, words in keywords.items() if words}
    if _text(form, "competent_authority"):
        doc["competent_authority"] = _text(form, "competent_authority")
    for name in PICKED:
        doc[name] = _listed(form, name)
    doc["life_events"] = list(dict.fromkeys(doc["life_events"] + doc.pop("business_events")))
    doc["related_services"] = [line.strip() for line in
                               _text(form, "related_services").splitlines() if line.strip()]
    if _text(form, "processing_time"):
        doc["processing_time"] = _text(form, "processing_time")
    for group, (prefix, letters) in PARTS.items():
        parts = [p for p in (_part(form, group, n) for n in _indexes(form, group)) if p]
        used = {p["key"] for p in parts if p["key"]}
        number = 0
        for p in parts:
            if not p["key"]:
                number += 1
                while f"{prefix}/{number}" in used:
                    number += 1
                p["key"] = f"{prefix}/{number}"
                used.add(p["key"])
            if not p["identifier"]:
                p["identifier"] = f"{doc['code'] or 'NOU'}-{letters}{p['key'].split('/')[-1]}"
        doc[group] = parts
    return doc


# --- where a finding is shown ------------------------------------------------------------
def wrappers(doc: dict[str, Any]) -> set[str]:
    """The names of the page's field blocks for ``doc`` (each shows its findings)."""
    names = {"code", "competent_authority", "related_services", "processing_time",
             *PICKED, *(f"{f}.{lang}" for f in ("title", "description", "keywords")
                        for lang in LANGS), *PARTS}
    for group in PARTS:
        parts = doc.get(group)
        for n, _part_doc in enumerate(parts if isinstance(parts, list) else []):
            names.add(f"{group}.{n}")
            names.update(f"{group}.{n}.{f}" for f in (*PART_TEXTS[group], "identifier"))
            names.update(f"{group}.{n}.{f}.{lang}" for f in ("title", "description")
                         for lang in LANGS)
            if group == "evidence":
                names.update({f"{group}.{n}.obtained_by_authority",
                              f"{group}.{n}.registry_source.ro",
                              f"{group}.{n}.registry_source.en"})
            if group == "channels":
                names.add(f"{group}.{n}.locations")
    return names


def wrapper_of(field: str | None, names: Iterable[str]) -> str:
    """The field block a finding at JSON ``field`` is shown in: the field itself, else its
    nearest enclosing block (``audiences.1`` -> ``audiences``; ``title`` -> ``title.ro``);
    "" when none (the summary alone shows it)."""
    known = set(names)
    if not field:
        return ""
    if field in ("title", "description", "keywords"):
        return f"{field}.ro"
    steps = field.split(".")
    while steps:
        candidate = ".".join(steps)
        if candidate in known:
            return candidate
        if candidate.endswith((".title", ".description")) and f"{candidate}.ro" in known:
            return f"{candidate}.ro"
        steps.pop()
    return ""


def dom_id(name: str) -> str:
    """The id of a field block's control (``costs.0.value`` -> ``f-costs-0-value``)."""
    return "f-" + re.sub(r"[^A-Za-z0-9-]", "-", name)
