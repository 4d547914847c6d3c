"""A change of the published catalogue as a CloudEvents 1.0 event (JSON, structured mode).

- ``id``: the change sequence number, the same at every attempt (receivers deduplicate on it);
- ``source``: the hub's change feed (``{base}api/v1/changes``); ``type``:
  ``org.w3id.semcat.record.published`` or ``...withdrawn``; ``subject``: the record's code,
  else its IRI; ``time``: when the change was made;
- ``data``: the change (``seq``, ``op``, ``kind``, ``iri``, ``code``, ``version``) and, for a
  publication, the record as the REST API shows it (``record``, for kinds with a JSON model)
  and its canonical N-Triples (``content``).
"""

from __future__ import annotations

import json
from typing import Any, Final

from catalog import rdfio
from catalog.ledger import ChangeRow
from catalog.records.kinds import Kinds

TYPE_PREFIX: Final = "org.w3id.semcat.record."
MEDIA_TYPE: Final = "application/cloudevents+json; charset=utf-8"
_TYPES: Final = {"publish": "published", "withdraw": "withdrawn"}


def event(change: ChangeRow, kinds: Kinds, base_uri: str) -> dict[str, Any]:
    """The CloudEvent of ``change``."""
    data: dict[str, Any] = {"seq": change.seq, "op": change.op, "kind": change.kind,
                            "iri": change.iri, "code": change.code,
                            "version": change.version_number}
    if change.op == "publish" and change.content is not None:
        kind = next((k for k in kinds if k.name == change.kind), None)
        if kind is not None and kind.mapping is not None:
            model = kind.mapping.from_triples(rdfio.parse_canonical(change.content), change.iri)
            data["record"] = model.model_dump(mode="json", exclude_none=True)
        data["content"] = change.content
    out: dict[str, Any] = {
        "specversion": "1.0", "id": str(change.seq), "source": base_uri + "api/v1/changes",
        "type": TYPE_PREFIX + _TYPES.get(change.op, change.op),
        "subject": change.code or change.iri, "datacontenttype": "application/json",
        "data": data}
    if change.at is not None:
        out["time"] = change.at.isoformat().replace("+00:00", "Z")
    return out


def encode(ev: dict[str, Any]) -> bytes:
    return json.dumps(ev, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
