"""Words for people: the ro/en phrases of a diff, durations in words, amounts, and the names
of languages. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Words:
    """Words in both languages; ``fem``: the Romanian noun is feminine (participle agreement)."""

    en: str
    ro: str
    fem: bool = False

    def done(self, stem: str) -> str:
        """``adăugat`` or ``adăugată``, agreeing with these words."""
        return stem + "ă" if self.fem else stem



LANGUAGE_NAMES: Final[dict[str, Words]] = {
    "ro": Words("Romanian", "română"), "en": Words("English", "engleză"),
    "ru": Words("Russian", "rusă"),
    "uk": Words("Ukrainian", "ucraineană"), "bg": Words("Bulgarian", "bulgară"),
    "gag": Words("Gagauz", "găgăuză"), "fr": Words("French", "franceză"),
    "de": Words("German", "germană"),
    "it": Words("Italian", "italiană"), "tr": Words("Turkish", "turcă"),
}
ARTICLE = re.compile(r"(?P<act>.+/eli/.+?)/art/(?P<n>[^/]+)")


def ro_count(n: int, one: str, many: str) -> str:
    """``1 zi``, ``2 zile``, ``20 de zile``, ``101 zile``: Romanian takes "de" from 20 on."""
    if n == 1:
        return f"1 {one}"
    takes_de = n > 0 and (n % 100 == 0 or n % 100 >= 20)
    return f"{n} de {many}" if takes_de else f"{n} {many}"


def pick_lang(names: dict[str, str], lang: str) -> str | None:
    other = "ro" if lang == "en" else "en"
    return names.get(lang) or names.get(other) or next((v for v in names.values() if v), None)


def with_lang(w: Words, lang: str) -> Words:
    if not lang:
        return Words(f"{w.en} (no language tag)", f"{w.ro} (fără indicarea limbii)", w.fem)
    name = LANGUAGE_NAMES.get(lang, Words(lang, lang))
    return Words(f"{w.en} ({name.en})", f"{w.ro} (în limba {name.ro})", w.fem)


def lang_order(tags: Iterable[str]) -> list[str]:
    rank = {t: i for i, t in enumerate(("ro", "en", "ru"))}
    return sorted(set(tags), key=lambda t: (rank.get(t, 3), t == "", t))


_UNITS: Final = (("year", "years", "an", "ani"), ("month", "months", "lună", "luni"),
                 ("week", "weeks", "săptămână", "săptămâni"), ("day", "days", "zi", "zile"),
                 ("hour", "hours", "oră", "ore"), ("minute", "minutes", "minut", "minute"),
                 ("second", "seconds", "secundă", "secunde"))
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(rf"P(?!$)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
                       rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?")


def humanise_duration(value: str) -> dict[str, str]:
    """An ISO 8601 duration in words: ``P1Y2M`` is "1 year and 2 months" / "1 an și 2 luni";
    text that is not a duration is returned as it is."""
    m = _DURATION.fullmatch(value.strip())
    if m is None:
        return {"en": value, "ro": value}
    en: list[str] = []
    ro: list[str] = []
    for number, (en1, en_n, ro1, ro_n) in zip(m.groups(), _UNITS, strict=True):
        if number is None:
            continue
        num = number.replace(",", ".")
        whole = num.isdigit()
        n = int(num) if whole else 0
        en.append(f"{int(num) if whole else num} {en1 if whole and n == 1 else en_n}")
        ro.append(ro_count(n, ro1, ro_n) if whole else f"{num.replace('.', ',')} {ro_n}")
    if all(float(g.replace(",", ".")) == 0 for g in m.groups() if g is not None):
        return {"en": "0 days", "ro": "0 zile"}
    return {"en": join_words(en, "and"), "ro": join_words(ro, "și")}


def join_words(items: Sequence[str], conj: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conj} {items[-1]}"


def amount(value: float, lang: str) -> str:
    if value.is_integer():
        text = str(int(value))
    else:
        text = f"{value:.2f}" if round(value, 2) == value else repr(value)
    return text.replace(".", ",") if lang == "ro" else text


def segment(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri
