"""What the institutions' pages show of records, versions and moves: the public page of a
record, times in the catalogue's zone, a listing line and a transition as template values."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request

from api.pages.desk_words import ui
from api.pages.labels import pick
from catalog.core import Catalog
from catalog.settings import Settings
from catalog.workflow.desk import Move, RecordLine
from catalog.workflow.history import History


def catalog_of(request: Request) -> Catalog:
    cat: Catalog = request.app.state.catalog
    return cat


def public_href(catalog: Catalog, iri: str, lang: str) -> str | None:
    """The path of a record's public page on this hub (its IRI under the base URI)."""
    base = catalog.settings.base_uri
    if not iri.startswith(base):
        return None
    return f"{urlsplit(base).path}{iri[len(base):]}?lang={lang}"


def when(t: datetime, catalog: Catalog) -> str:
    """A time in the catalogue's time zone, to the minute."""
    return f"{t.astimezone(ZoneInfo(catalog.settings.timezone)):%Y-%m-%d %H:%M}"


def line_view(r: RecordLine, lang: str, catalog: Catalog) -> dict[str, Any]:
    words = ui(lang)
    return {"code": r.code, "title": pick(r.title, lang) or r.code, "status": r.status,
            "status_text": words.get(f"status_{r.status}", r.status),
            "version": r.latest_version, "published_version": r.published_version,
            "institution": r.institution, "updated": when(r.updated_at, catalog),
            "public": public_href(catalog, r.iri, lang) if r.published_version else None,
            "sent_back": move_view(r.sent_back, lang, catalog) if r.sent_back else None,
            "submitted": when(r.submitted.at, catalog) if r.submitted else None,
            "review": words["review_needed_since"].format(
                entry=r.review.code, changed=r.review.changed.isoformat())
            if r.review else None}


def move_view(m: Move, lang: str, catalog: Catalog) -> dict[str, Any]:
    words = ui(lang)

    def status(s: str | None) -> str:
        return words.get(f"status_{s}", s or "") if s else "—"

    return {"version": m.version, "from": status(m.from_status), "to": status(m.to_status),
            "author": m.author, "reason": m.reason, "at": when(m.at, catalog)}


def history_of(request: Request) -> History:
    s: Settings = request.app.state.settings
    return History(catalog_of(request), s.timezone)
