"""Nomenclature codes for the records a source gives without one (``mint`` in a mapping): a key
keeps the code it was given (table ``source_key``, written with the record), a new key gets
the next free number of the prefix: after every code of the prefix in the ledger, the source
keys and the nomenclature's entries (a minted code that is an entry's would make the record a
passport of that entry's service, inheriting its template)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine

from catalog.ledger import syncs


class KeyCodes:
    """The codes of one adapter's keys (see the module's docstring)."""

    def __init__(self, engine: Engine, adapter: str, taken: Iterable[str] = ()) -> None:
        """``taken``: codes given elsewhere (the nomenclature's entries), never minted."""
        self.engine, self.adapter = engine, adapter
        self.taken = frozenset(taken)
        self.known = syncs.key_codes(engine, adapter)
        self._next: dict[str, int] = {}

    def code_for(self, key: str, prefix: str, digits: int) -> str:
        code = self.known.get(key)
        if code is not None:
            return code
        if prefix not in self._next:
            self._next[prefix] = max(syncs.highest_number(self.engine, prefix),
                                     syncs.highest_of(self.taken, prefix)) + 1
        number = self._next[prefix]
        self._next[prefix] += 1
        code = f"{prefix}-{number:0{digits}d}"
        self.known[key] = code
        return code
