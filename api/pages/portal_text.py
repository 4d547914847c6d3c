"""The words of the citizens' portal (home, search, lists of services, map of the one-stop
shops) in Romanian, English and Russian: one table, ``ui(lang)`` picks a language."""

from __future__ import annotations

_UI: dict[str, dict[str, str]] = {
    "catalogue": {"ro": "Catalogul serviciilor publice", "en": "Public service catalogue",
                  "ru": "Каталог государственных услуг"},
    "welcome": {"ro": "Găsiți un serviciu public", "en": "Find a public service",
                "ru": "Найдите государственную услугу"},
    "language": {"ro": "Limba", "en": "Language", "ru": "Язык"},
    "formats": {"ro": "Alte formate", "en": "Other formats", "ru": "Другие форматы"},
    "intro": {"ro": "Aflați ce servicii oferă instituțiile publice, ce documente vă trebuie și "
              "unde le solicitați.",
              "en": "Find the services public institutions offer, the documents you need and "
              "where to apply.",
              "ru": "Узнайте, какие услуги оказывают государственные учреждения, какие "
              "документы нужны и куда обратиться."},
    "search": {"ro": "Căutați un serviciu", "en": "Search for a service",
               "ru": "Поиск услуги"},
    "search_hint": {"ro": "De exemplu: șomaj, pașaport, pensie",
                    "en": "For example: unemployment, passport, pension",
                    "ru": "Например: пособие, паспорт, пенсия"},
    "search_button": {"ro": "Caută", "en": "Search", "ru": "Найти"},
    "results": {"ro": "Rezultatele căutării", "en": "Search results",
                "ru": "Результаты поиска"},
    "all_results": {"ro": "Toate rezultatele", "en": "All the results", "ru": "Все результаты"},
    "found": {"ro": "servicii găsite", "en": "services found", "ru": "найдено услуг"},
    "at_least": {"ro": "cel puțin", "en": "at least", "ru": "не менее"},
    "nothing": {"ro": "Niciun serviciu nu corespunde căutării.",
                "en": "No service matches the search.",
                "ru": "Ни одна услуга не соответствует запросу."},
    "type_words": {"ro": "Scrieți unul sau mai multe cuvinte.",
                   "en": "Type one or more words.", "ru": "Введите одно или несколько слов."},
    "next": {"ro": "Pagina următoare", "en": "Next page", "ru": "Следующая страница"},
    "first": {"ro": "Prima pagină", "en": "First page", "ru": "Первая страница"},
    "pages": {"ro": "Pagini", "en": "Pages", "ru": "Страницы"},
    "services_count": {"ro": "servicii publicate", "en": "published services",
                       "ru": "опубликованных услуг"},
    "last_changed": {"ro": "Ultima modificare a catalogului", "en": "Catalogue last changed",
                     "ru": "Последнее изменение каталога"},
    "life_events": {"ro": "Situații de viață", "en": "Life events",
                    "ru": "Жизненные ситуации"},
    "life_event": {"ro": "Situație de viață", "en": "Life event", "ru": "Жизненная ситуация"},
    "business_events": {"ro": "Evenimente de afaceri", "en": "Business events",
                        "ru": "События в бизнесе"},
    "business_event": {"ro": "Eveniment de afaceri", "en": "Business event",
                       "ru": "Событие в бизнесе"},
    "authorities": {"ro": "Servicii după autoritatea competentă",
                    "en": "Services by competent authority",
                    "ru": "Услуги по компетентным органам"},
    "authority": {"ro": "Autoritate competentă", "en": "Competent authority",
                  "ru": "Компетентный орган"},
    "services": {"ro": "Servicii", "en": "Services", "ru": "Услуги"},
    "n_services": {"ro": "servicii", "en": "services", "ru": "услуг"},
    "none_here": {"ro": "Niciun serviciu publicat aici deocamdată.",
                  "en": "No service published here yet.",
                  "ru": "Здесь пока нет опубликованных услуг."},
    "home": {"ro": "Pagina principală", "en": "Home page", "ru": "Главная страница"},
    "map": {"ro": "Harta ghișeelor unice", "en": "Map of the one-stop shops",
            "ru": "Карта единых окон"},
    "map_intro": {"ro": "Primăriile cu ghișeu unic și oficiile consulare, cu serviciile pe care "
                  "le puteți solicita la fiecare.",
                  "en": "Village halls with a one-stop shop and consular offices, with the "
                  "services you can apply for at each.",
                  "ru": "Примэрии с единым окном и консульские учреждения, с услугами, за "
                  "которыми можно обратиться в каждое из них."},
    "map_region": {"ro": "Harta locurilor", "en": "Map of the places", "ru": "Карта мест"},
    "places": {"ro": "Locuri", "en": "Places", "ru": "Места"},
    "address": {"ro": "Adresa", "en": "Address", "ru": "Адрес"},
    "offered": {"ro": "Servicii oferite aici", "en": "Services offered here",
                "ru": "Услуги, оказываемые здесь"},
    "all_here": {"ro": "Toate serviciile oferite aici", "en": "All the services offered here",
                 "ru": "Все услуги, оказываемые здесь"},
    "on_map": {"ro": "pe hartă", "en": "on the map", "ru": "на карте"},
    "other_places": {"ro": "Alte locuri", "en": "Other places", "ru": "Другие места"},
    "error": {"ro": "Cerere greșită", "en": "Bad request", "ru": "Неверный запрос"},
    "missing": {"ro": "Pagină inexistentă", "en": "No such page", "ru": "Страница не найдена"},
}


def ui(lang: str) -> dict[str, str]:
    """Every portal word in ``lang`` (Romanian for a language we do not have)."""
    return {k: v.get(lang, v["ro"]) for k, v in _UI.items()}

