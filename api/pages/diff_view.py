"""A diff of two versions (catalog/records/diff.py) as rows a person reads: the field's name in
the page's language (FIELD_LABELS, with Russian names here), what happened, the value before
and after, the referenced resources named by their labels."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from api.pages.labels import pick
from catalog.records.diff import FIELD_LABELS, FieldChange, RecordDiff, humanise_duration

Label = Callable[[str], dict[str, str] | None]

#: the passport's field names in Russian (FIELD_LABELS has Romanian and English)
_RU = {
    "code": "Код", "title": "Название", "description": "Описание",
    "competent_authority": "Компетентный орган", "legal_resources": "Правовое основание",
    "audiences": "Категории получателей", "life_events": "Жизненные ситуации",
    "thematic_areas": "Тематические области", "keywords": "Ключевые слова",
    "languages": "Языки", "spatial": "Территориальный охват",
    "related_services": "Связанные услуги", "processing_time": "Срок предоставления",
    "requirements": "Требование", "evidence": "Необходимый документ", "outputs": "Результат",
    "costs": "Стоимость", "channels": "Канал",
    ".identifier": "идентификатор", ".title": "название", ".description": "описание",
    ".type": "тип", ".obtained_by_authority": "запрашивается органом из реестра",
    ".registry_source": "реестр-источник", ".data_service": "сервис данных",
    ".data_element": "элемент данных", ".value": "сумма", ".currency": "валюта",
    ".owned_by": "владелец", ".locations": "места", ".url": "веб-адрес",
}
_PATH = re.compile(r"^(?P<top>[a-z_]+)(?:\[(?P<key>[^\]]*)\])?(?:\.(?P<rest>.*))?$")
_LANGS = {"ro", "en", "ru", "@none"}
_YES = {"ro": ("da", "nu"), "en": ("yes", "no"), "ru": ("да", "нет")}


def _name(key: str, lang: str, labels: dict[str, dict[str, str]]) -> str:
    if lang == "ru":
        part = key.partition(".")[2]
        if part:
            return _RU.get("." + part, part)
        return _RU.get(key, key)
    return (labels.get(key) or FIELD_LABELS.get(key) or {}).get(lang) or key


def field_name(path: str, lang: str, labels: dict[str, dict[str, str]] | None = None,
               parts: dict[str, str] | None = None) -> str:
    """``evidence[k].title.ro`` as "Required document „Birth certificate”: title (ro)"."""
    labels = labels or {}
    m = _PATH.match(path)
    if m is None:
        return path
    top, key, rest = m["top"], m["key"], m["rest"] or ""
    words = [_name(top, lang, labels)]
    if key is not None and parts and parts.get(key):
        words[0] += f" «{parts[key]}»"
    sub, _, tag = rest.partition(".")
    if rest in _LANGS:
        sub, tag = "", rest
    if sub:
        words.append(_name(f"{top}.{sub}", lang, labels))
    text = ": ".join(words)
    return f"{text} ({tag.removeprefix('@')})" if tag else text


def show(value: Any, lang: str, label: Label) -> str:
    """A value of a field as text in ``lang``: language maps and parts by their title in it,
    IRIs by their label, durations in words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _YES.get(lang, _YES["en"])[0 if value else 1]
    if isinstance(value, dict):
        if "key" in value:  # a part (a requirement, a document, a cost ...)
            return pick(value.get("title"), lang) or str(value.get("identifier") or
                                                         value["key"])
        if all(isinstance(v, str) for v in value.values()):
            return pick(value, lang) or ""
        return "; ".join(f"{k}: {show(v, lang, label)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(show(v, lang, label) for v in value)
    text = str(value)
    if text.startswith(("http://", "https://")):
        return pick(label(text), lang) or text
    if re.fullmatch(r"P(?:\d+[YMWD])*(?:T(?:\d+[HMS])+)?", text) and len(text) > 1:
        return humanise_duration(text).get(lang) or humanise_duration(text)["en"]
    return text


def rows(diff: RecordDiff, lang: str, label: Label,
         labels: dict[str, dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The changes of ``diff``, one row each: field, kind, before, after, and the change's
    sentence (Romanian or English; Russian pages get the English one)."""
    parts: dict[str, str] = {}
    for c in diff.changes:  # the titles of the parts, to name the rows of their fields
        for v in (c.old, c.new):
            if isinstance(v, dict) and "key" in v:
                parts[str(v["key"])] = show(v, lang, label)
    return [_row(c, lang, label, labels, parts) for c in diff.changes]


def _row(c: FieldChange, lang: str, label: Label, labels: dict[str, dict[str, str]] | None,
         parts: dict[str, str]) -> dict[str, str]:
    return {"field": field_name(c.path, lang, labels, parts), "kind": c.kind,
            "before": show(c.old, lang, label), "after": show(c.new, lang, label),
            "sentence": c.text.get(lang) or c.text.get("en", "")}
