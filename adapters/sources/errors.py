"""Faults of a whole source, raised by the registry clients (:mod:`.soap`, :mod:`.rest`).

They are :class:`catalog.errors.StoreUnavailable` (HTTP 503 where a surface shows them): the
hub is fine, a registry it reads is not. Their texts (``catalog/messages/registries.py``) name
the registry's address, a status, a size or a time, never what the registry answered.

    StoreUnavailable
    └── RegistryUnavailable      cannot be reached, answered an error status or a SOAP fault
        ├── RegistryTimeout      no answer (or no whole answer) within the source's time limits
        └── RegistryAnswerRefused  an answer over its cap, with a DOCTYPE, not XML/JSON
"""

from __future__ import annotations

from catalog.errors import StoreUnavailable


class RegistryUnavailable(StoreUnavailable):
    code = "registry_unavailable"


class RegistryTimeout(RegistryUnavailable):
    code = "registry_timeout"


class RegistryAnswerRefused(RegistryUnavailable):
    code = "registry_answer_refused"
