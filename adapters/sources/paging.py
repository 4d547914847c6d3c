"""Pages of a REST registry: by page number, by offset, by a cursor in the answer, or by the
``Link: <...>; rel="next"`` header; and the resume positions of the items they give.

A position is a small JSON object: ``{"n": 41}`` (the 42nd record, page and offset styles),
``{"cursor": "abc", "i": 3}`` (the 4th record of the page fetched with that cursor) or
``{"url": "...", "i": 3}`` (the same for a ``Link`` page), so that a resumed run fetches the page
the last item came from and skips what it already gave.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from catalog.errors import InvalidInput

Style = Literal["none", "page", "offset", "cursor", "link"]
MAX_CURSOR = 2000


@dataclass(frozen=True)
class Paging:
    """How a REST source walks the registry's pages."""

    style: Style = "none"
    #: page and offset styles: the query parameters and the page size asked for
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    size_param: str | None = "size"
    size: int = 100
    #: cursor style: the query parameter, and where the answer gives the next cursor
    cursor_param: str = "cursor"
    cursor_path: str = "next"
    #: a registry giving more pages than this is a fault (it loops or the query is too wide)
    max_pages: int = 10_000


def encode(**parts: Any) -> str:
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


def decode(position: str, style: Style) -> dict[str, Any]:
    """The parts of ``position``; refused when it is not one this style writes."""
    try:
        parts = json.loads(position)
    except ValueError:
        parts = None
    wanted = {"none": {"n"}, "page": {"n"}, "offset": {"n"}, "cursor": {"cursor", "i"},
              "link": {"url", "i"}}[style]
    if not isinstance(parts, dict) or set(parts) != wanted or any(
            not isinstance(parts[k], int) or parts[k] < 0 for k in wanted & {"n", "i"}):
        raise InvalidInput.of("registry.bad_position", field="after", value=position[:100])
    return parts


_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,]*)*)')
_REL = re.compile(r'rel\s*=\s*"?([^";]+)"?', re.IGNORECASE)


def next_link(header: str | None) -> str | None:
    """The target of the ``rel="next"`` link of a ``Link`` header."""
    for match in _LINK.finditer(header or ""):
        rel = _REL.search(match.group(2))
        if rel and "next" in rel.group(1).lower().split():
            return match.group(1).strip()
    return None


def pick(value: Any, path: str) -> Any:
    """The value at the dotted ``path`` (``data.items``, ``meta.next``; ``""`` is ``value``
    itself); ``None`` where a step is missing."""
    for step in path.split(".") if path else ():
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value
