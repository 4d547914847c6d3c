"""What every page module renders with: the one Jinja environment over ``templates/``
(autoescaped) and the languages a page offers."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), auto_reload=False)
#: the languages of the language switch, each named in itself
LANGUAGE_NAMES = [("ro", "Română"), ("en", "English"), ("ru", "Русский")]
