"""Messages of the consistency checks: the run's parameters (date, institution, format)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "checks.bad_date": {
        "en": "{field}: {value!r} is not a date; expected YYYY-MM-DD, e.g. 2026-01-31",
        "ro": "{field}: {value!r} nu este o dată; se așteaptă AAAA-LL-ZZ, de ex. 2026-01-31",
        "ru": "{field}: {value!r} не является датой; ожидается ГГГГ-ММ-ДД, например "
              "2026-01-31"},
    "checks.unknown_institution": {
        "en": "{field}: no institution has the code {value!r}",
        "ro": "{field}: nicio instituție nu are codul {value!r}",
        "ru": "{field}: нет учреждения с кодом {value!r}"},
    "checks.unknown_rule": {
        "en": "{field}: there is no rule {value!r}; the rules are listed by `semcat check "
              "--rules` and GET /api/v1/checks/rules",
        "ro": "{field}: nu există regula {value!r}; regulile sunt listate de `semcat check "
              "--rules` și GET /api/v1/checks/rules",
        "ru": "{field}: правила {value!r} нет; правила перечислены в `semcat check --rules` "
              "и GET /api/v1/checks/rules"},
    "checks.unknown_severity": {
        "en": "{field}: there is no severity {value!r}; expected violation, warning or info",
        "ro": "{field}: nu există gravitatea {value!r}; se așteaptă violation, warning sau info",
        "ru": "{field}: нет уровня серьёзности {value!r}; ожидается violation, warning или "
              "info"},
    "checks.no_service": {
        "en": "{field}: no published service is {value}",
        "ro": "{field}: niciun serviciu publicat nu este {value}",
        "ru": "{field}: нет опубликованной услуги {value}"},
    "checks.no_edition": {
        "en": "{field}: no nomenclature edition is {value}",
        "ro": "{field}: nicio ediție a nomenclatorului nu este {value}",
        "ru": "{field}: нет редакции номенклатуры {value}"},
    "checks.no_edition_in_force": {
        "en": "{field}: no nomenclature edition is in force on {value}",
        "ro": "{field}: nicio ediție a nomenclatorului nu este în vigoare la {value}",
        "ru": "{field}: на {value} не действует ни одна редакция номенклатуры"},
    "checks.draft_empty": {
        "en": "{field}: the draft holds no record to check",
        "ro": "{field}: ciorna nu conține nicio înregistrare de verificat",
        "ru": "{field}: в черновике нет записи для проверки"},
}
