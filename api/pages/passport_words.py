"""Russian words of the service page that the record layer has in Romanian and English only:
the passport's field labels (catalog.records.diff.FIELD_LABELS) and durations in words
(catalog.records.wording.humanise_duration)."""

from __future__ import annotations

import re

from catalog.records.diff import FIELD_LABELS, humanise_duration

_RU_FIELDS = {
    "code": "Код", "title": "Название", "description": "Описание",
    "competent_authority": "Компетентный орган", "legal_resources": "Правовая основа",
    "audiences": "Получатели", "life_events": "Жизненные ситуации",
    "thematic_areas": "Тематические области", "keywords": "Ключевые слова",
    "languages": "Языки", "spatial": "Территория", "related_services": "Связанные услуги",
    "processing_time": "Срок оказания", "requirements": "Требования",
    "evidence": "Необходимые документы", "outputs": "Результат", "costs": "Стоимость",
    "channels": "Каналы",
}
#: (one, few: 2-4, many) of each unit of an ISO 8601 duration, in its order
_RU_UNITS = (("год", "года", "лет"), ("месяц", "месяца", "месяцев"),
             ("неделя", "недели", "недель"), ("день", "дня", "дней"), ("час", "часа", "часов"),
             ("минута", "минуты", "минут"), ("секунда", "секунды", "секунд"))
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
                       rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?")


def field_labels(lang: str) -> dict[str, str]:
    """The passport's field labels in ``lang`` (Russian here, the others from the record
    layer; English where a label has no Russian)."""
    if lang == "ru":
        return {k: _RU_FIELDS.get(k, v["en"]) for k, v in FIELD_LABELS.items()}
    return {k: v.get(lang, v["ro"]) for k, v in FIELD_LABELS.items()}


def _ru_count(number: str, forms: tuple[str, str, str]) -> str:
    if not number.isdigit():
        return f"{number.replace('.', ',')} {forms[1]}"
    n = int(number)
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} {forms[0]}"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} {forms[1]}"
    return f"{n} {forms[2]}"


def duration(value: str, lang: str) -> str:
    """An ISO 8601 duration in words in ``lang`` (``P10D``: "10 дней")."""
    if lang != "ru":
        words = humanise_duration(value)
        return words.get(lang) or words["en"]
    m = _DURATION.fullmatch(value.strip())
    if m is None:
        return value
    parts = [_ru_count(n.replace(",", "."), forms)
             for n, forms in zip(m.groups(), _RU_UNITS, strict=True) if n is not None]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} и {parts[-1]}"
