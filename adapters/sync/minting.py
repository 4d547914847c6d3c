"""Nomenclature codes for the records a source gives without one (``mint`` in a mapping): a key
keeps the code it was given (table ``source_key``, written with the record), a new key gets
the next free number of the prefix."""

from __future__ import annotations

from sqlalchemy import Engine

from catalog.ledger import syncs


class KeyCodes:
    """The codes of one adapter's keys (see the module's docstring)."""

    def __init__(self, engine: Engine, adapter: str) -> None:
        self.engine, self.adapter = engine, adapter
        self.known = syncs.key_codes(engine, adapter)
        self._next: dict[str, int] = {}

    def code_for(self, key: str, prefix: str, digits: int) -> str:
        code = self.known.get(key)
        if code is not None:
            return code
        if prefix not in self._next:
            self._next[prefix] = syncs.highest_number(self.engine, prefix) + 1
        number = self._next[prefix]
        self._next[prefix] += 1
        code = f"{prefix}-{number:0{digits}d}"
        self.known[key] = code
        return code
