"""The passport as the REST API reads it: the effective passport (its own fields, and its
nomenclature entry's for the fields it leaves empty: :mod:`catalog.records.template`), the names
of the inherited fields and the entry they come from, and, for its institution and reviewers,
whether the entry changed since the passport was last published (``review_needed``).

A passport that inherits nothing, read by someone with nothing to review, reads exactly as
stored. The keys added here are dropped again when the JSON is sent back (a GET sent back as a
PUT stores what the institution wrote, not a copy of the entry)."""

from __future__ import annotations

import json
from datetime import date

from catalog.core import Catalog
from catalog.records.passport import Passport
from catalog.records.template import effective
from catalog.workflow.access import Principal
from catalog.workflow.desk import last_review
from catalog.workflow.publishing import Publishing


def passport_json(catalog: Catalog, p: Passport, principal: Principal | None,
                  on: date | None = None) -> tuple[bytes, bool]:
    """The JSON, and whether it holds more than the stored version (what the entry gave, a
    review needed). ``on``: the day whose edition gives the entry (default today; a read of
    the version in force on a past day inherits from the edition in force then)."""
    entry = catalog.entry(p.code, on)
    if entry is None:
        return p.model_dump_json(exclude_none=True).encode(), False
    shown, inherited = effective(p, entry.template)
    data = shown.model_dump(mode="json", exclude_none=True)
    if inherited:
        data["inherited"] = inherited
        data["nomenclature_entry"] = entry.to_dict()
    if principal is not None and on is None:  # a review is needed today, not in the past
        pub = Publishing(catalog)
        if principal.can_read_drafts(pub.state(p.code).authority):
            reviewed = last_review(pub.history(p.code))
            if entry.changed_since(reviewed):
                assert reviewed is not None
                data["review_needed"] = {"entry": entry.to_dict(),
                                         "reviewed": reviewed.isoformat()}
    if not inherited and "review_needed" not in data:  # nothing added: as stored
        return p.model_dump_json(exclude_none=True).encode(), False
    return json.dumps(data, ensure_ascii=False).encode(), True


__all__ = ["passport_json"]
