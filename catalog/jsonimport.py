"""Plain JSON passports (one object, a list, or JSON Lines) as records to import."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from catalog import gates, rdfio
from catalog.errors import InvalidInput
from catalog.passport import Passport, to_triples
from catalog.records import RecordDraft


def passports_from_json(text: str, *, max_nesting: int) -> list[Passport]:
    stripped = text.lstrip()
    items: list[Any]
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        doc = rdfio.load_json(text, max_nesting=max_nesting)
        items = doc if isinstance(doc, list) else [doc]
    else:
        items = [rdfio.load_json(line, max_nesting=max_nesting, what=f"JSON line {n}")
                 for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    gates.check_storable_text(items)
    out: list[Passport] = []
    for n, item in enumerate(items, 1):
        try:
            out.append(Passport.model_validate(item))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise InvalidInput(
                f"passport {n}: {where}: {err['msg']}",
                message_ro=f"pașaportul {n}: {where}: valoare invalidă",
                field=where, value=err.get("input"),
            ) from exc
    return out


def drafts_from_passports(passports: list[Passport], base_uri: str) -> list[RecordDraft]:
    out = []
    for p in passports:
        iri = f"{base_uri}id/service/{p.code}"
        out.append(RecordDraft(iri, "service", to_triples(p, iri)))
    return out
