"""What every page module renders with: the one Jinja environment over ``templates/``
(autoescaped), the languages a page offers and the site navigation every page shows."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), auto_reload=False)
#: the languages of the language switch, each named in itself
LANGUAGE_NAMES = [("ro", "Română"), ("en", "English"), ("ru", "Русский")]

#: the site's sections, in the header of every page: (path, name by language)
NAVIGATION: list[tuple[str, dict[str, str]]] = [
    ("/", {"ro": "Servicii", "en": "Services", "ru": "Услуги"}),
    ("/map", {"ro": "Harta ghișeelor", "en": "Map of offices", "ru": "Карта приёмных"}),
    ("/legal", {"ro": "Raport juridic", "en": "Legal report", "ru": "Правовой отчёт"}),
    ("/sparql", {"ro": "SPARQL", "en": "SPARQL", "ru": "SPARQL"}),
    ("/docs", {"ro": "API", "en": "API", "ru": "API"}),
    ("/my", {"ro": "Instituții", "en": "Institutions", "ru": "Учреждения"}),
]
_SKIP = {"ro": "Salt la conținut", "en": "Skip to content", "ru": "Перейти к содержанию"}
_SITE = {"ro": "Secțiuni", "en": "Sections", "ru": "Разделы"}


def navigation(lang: str, here: str = "") -> list[dict[str, str | bool]]:
    """The header's links in ``lang``; ``here`` (the page's path) is marked current."""
    return [{"href": f"{path}?lang={lang}", "text": names.get(lang, names["ro"]),
             "current": here == path or (path != "/" and here.startswith(path + "/"))}
            for path, names in NAVIGATION]


TEMPLATES.globals.update(navigation=navigation, skip_text=lambda lang: _SKIP.get(lang, _SKIP["ro"]),
                         site_text=lambda lang: _SITE.get(lang, _SITE["ro"]))
