"""Named SPARQL queries: one ``.rq`` file each, with a ``#+`` header (summary, params)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DIR = Path(__file__).parent


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    summary: str


@cache
def load(name: str) -> NamedQuery:
    """The query in ``catalog/queries/{name}.rq``."""
    text = (_DIR / f"{name}.rq").read_text("utf-8")
    summary = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                    if line.startswith("#+ summary:")), "")
    return NamedQuery(name, text, summary)


def names() -> list[str]:
    return sorted(p.stem for p in _DIR.glob("*.rq"))
