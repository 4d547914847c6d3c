"""The catalogue of error messages: one id per message, its text in English, Romanian and
Russian, with named placeholders (``str.format`` fields, e.g. ``{limit}`` or ``{value!r}``).

Errors are raised by id (``InvalidInput.of("search.limit", field="limit", value=v, low=1,
high=100)``, see :meth:`catalog.errors.CatalogError.of`); the three texts are rendered here, so
no call site spells a message. The English text is the one tests assert and logs show; every id
has all three languages with the same placeholders (pinned by ``tests/catalog/test_messages.py``).
Values put into a message (a file name, a parser's reason) are not translated, except those
given as :class:`Localized` (a record kind's label, a phrase chosen by the caller): each language
gets its own.

The texts live by area in the submodules (:mod:`.delivery`, :mod:`.records`, :mod:`.workflow`);
this module joins them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any

from catalog.messages import assets, definitions, delivery, operations, records, workflow

LANGUAGES = ("en", "ro", "ru")
Texts = dict[str, str]

MESSAGES: dict[str, Texts] = {}
for _area in (assets, definitions, delivery, operations, records, workflow):
    if _clash := MESSAGES.keys() & _area.MESSAGES.keys():
        raise RuntimeError(f"message ids defined twice: {sorted(_clash)}")
    MESSAGES.update(_area.MESSAGES)


@dataclass(frozen=True)
class Localized:
    """A value of a message that has its own text in each language (a kind's labels, a phrase
    picked by the call site); a language it lacks shows the English text."""

    texts: Mapping[str, str]

    def __post_init__(self) -> None:
        if "en" not in self.texts:
            raise ValueError("a localized value needs at least its English text")

    def __getitem__(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["en"]

    def __str__(self) -> str:
        return self["en"]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def placeholders(message_id: str) -> dict[str, set[str]]:
    """The placeholder names of each language's text of ``message_id``."""
    return {lang: _fields(text) for lang, text in MESSAGES[message_id].items()}


def render(message_id: str, **params: Any) -> Texts:
    """The texts of ``message_id`` in every language, with ``params`` filled in."""
    texts = MESSAGES[message_id]
    return {lang: texts[lang].format(**{k: v[lang] if isinstance(v, Localized) else v
                                        for k, v in params.items()})
            for lang in LANGUAGES}


__all__ = ["LANGUAGES", "MESSAGES", "Localized", "Texts", "placeholders", "render"]
