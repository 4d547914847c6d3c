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
    "harvest.code_too_long": {
        "en": "the record's identifier {value!r} has {count} characters; a code has at most "
              "{limit}",
        "ro": "identificatorul înregistrării {value!r} are {count} caractere; un cod are cel "
              "mult {limit}",
        "ru": "идентификатор записи {value!r} содержит {count} символов; код — не более "
              "{limit}"},
    "harvest.url_scheme": {
        "en": "source.url: {value!r} is not an http or https address",
        "ro": "source.url: {value!r} nu este o adresă http sau https",
        "ru": "source.url: {value!r} не является адресом http или https"},
    "harvest.url_credentials": {
        "en": "source.url: an address with a user name or password is refused (a secret is "
              "never written in a mapping)",
        "ro": "source.url: o adresă cu nume de utilizator sau parolă este refuzată (un secret "
              "nu se scrie niciodată într-o corespondență)",
        "ru": "source.url: адрес с именем пользователя или паролем отклоняется (секрет никогда "
              "не пишется в отображении)"},
    "harvest.url_unresolved": {
        "en": "source.url: the host {host} cannot be resolved",
        "ro": "source.url: numele {host} nu poate fi rezolvat",
        "ru": "source.url: не удаётся разрешить имя {host}"},
    "harvest.url_private": {
        "en": "source.url: {host} resolves to {address}, which is not a public address "
              "({what}); catalogues are harvested from the public network "
              "(SEMCAT_HARVEST_ALLOW_PRIVATE allows others)",
        "ro": "source.url: {host} corespunde adresei {address}, care nu este publică ({what}); "
              "cataloagele se preiau din rețeaua publică "
              "(SEMCAT_HARVEST_ALLOW_PRIVATE permite altele)",
        "ru": "source.url: {host} разрешается в {address}, а это не публичный адрес ({what}); "
              "каталоги забираются из публичной сети "
              "(SEMCAT_HARVEST_ALLOW_PRIVATE разрешает другие)"},
    "harvest.url_format": {
        "en": "source.url: the format of {value} is not known from its name or its answer's "
              "Content-Type; say it in source.format",
        "ro": "source.url: formatul {value} nu reiese din nume sau din Content-Type-ul "
              "răspunsului; indicați-l în source.format",
        "ru": "source.url: формат {value} не ясен ни из имени, ни из Content-Type ответа; "
              "укажите его в source.format"},
}
