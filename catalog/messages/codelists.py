"""Messages of the code-list browser (:mod:`catalog.codelists`) and of the mappings of elements
to the EU Core Vocabularies (:mod:`catalog.codelists.corevocab`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "codelists.no_scheme": {
        "en": "no published code list {value!r}",
        "ro": "nu există un nomenclator publicat {value!r}",
        "ru": "нет опубликованного справочника {value!r}"},
    "codelists.no_concept": {
        "en": "the code list {scheme!r} has no concept {value!r} in version {version}",
        "ro": "nomenclatorul {scheme!r} nu are conceptul {value!r} în versiunea {version}",
        "ru": "в справочнике {scheme!r} нет понятия {value!r} в версии {version}"},
    "codelists.no_version": {
        "en": "the code list {scheme!r} has no published version {value}",
        "ro": "nomenclatorul {scheme!r} nu are o versiune publicată {value}",
        "ru": "у справочника {scheme!r} нет опубликованной версии {value}"},
    "codelists.bad_letter": {
        "en": "{value!r} is not a letter of the A-Z index",
        "ro": "{value!r} nu este o literă a indexului A-Z",
        "ru": "{value!r} — не буква алфавитного указателя"},
    "codelists.bad_view": {
        "en": "unknown view {value!r}",
        "ro": "vizualizare necunoscută {value!r}",
        "ru": "неизвестное представление {value!r}"},
    "mappings.no_suggestion": {
        "en": "no suggestion {value!r} for element {element!r}",
        "ro": "nu există sugestia {value!r} pentru elementul {element!r}",
        "ru": "нет предложения {value!r} для элемента {element!r}"},
    "mappings.bad_decision": {
        "en": "a review is confirm or reject, not {value!r}",
        "ro": "o revizuire este confirm sau reject, nu {value!r}",
        "ru": "решение — confirm или reject, а не {value!r}"},
}
