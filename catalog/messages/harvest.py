"""Messages of harvests of other CPSV-AP catalogues (``catalog/intake/harvest.py``,
``catalog/intake/cpsv_upgrade.py``, ``catalog/validation/open_world.py``) and of the RDF source
(``adapters/sources/rdf.py``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "harvest.cpsv_version": {
        "en": "unknown CPSV-AP version {value!r}",
        "ro": "versiune CPSV-AP necunoscută {value!r}",
        "ru": "неизвестная версия CPSV-AP {value!r}"},
    "harvest.no_service": {
        "en": "the document describes no cpsv:PublicService: there is nothing to harvest",
        "ro": "documentul nu descrie niciun cpsv:PublicService: nu este nimic de preluat",
        "ru": "документ не описывает ни одной cpsv:PublicService: забирать нечего"},
    "harvest.unresolved_reference": {
        "en": "{value} is described neither in the harvested record nor in the hub, so its "
              "class ({expected}) cannot be checked",
        "ro": "{value} nu este descris nici în înregistrarea preluată, nici în hub, deci clasa "
              "sa ({expected}) nu poate fi verificată",
        "ru": "{value} не описан ни в забранной записи, ни в хабе, поэтому его класс "
              "({expected}) проверить нельзя"},
    "harvest.rejected": {
        "en": "record {value} breaks CPSV-AP 3.2.0: {count} violation(s), e.g. {first}",
        "ro": "înregistrarea {value} încalcă CPSV-AP 3.2.0: {count} încălcare(i), de ex. {first}",
        "ru": "запись {value} нарушает CPSV-AP 3.2.0: нарушений: {count}, например {first}"},
    "harvest.source_file": {
        "en": "the harvest file {value} cannot be read: {reason}",
        "ro": "fișierul de preluat {value} nu poate fi citit: {reason}",
        "ru": "файл для забора {value} не удаётся прочитать: {reason}"},
}
