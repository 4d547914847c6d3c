"""Secrets a mapping names: ``{env: NAME}`` is the name of a ``SEMCAT_*`` setting or an
environment variable, read when a source is opened. The value is returned to the source and
never put into an error, a log line or a report; a missing one is an error naming the variable
only."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from catalog.errors import InvalidInput


class Secret:
    """A secret value that does not show itself (``repr``, ``str``, f-strings)."""

    __slots__ = ("_value", "name")

    def __init__(self, name: str, value: str) -> None:
        self.name, self._value = name, value

    def reveal(self) -> str:
        """The value, for the one call that sends it (an HTTP header, a SOAP header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.name}=***)"

    __str__ = __repr__


def resolve(ref: Mapping[str, Any], field: str,
            environ: Mapping[str, str] | None = None) -> Secret:
    """The secret ``ref`` (``{"env": "SEMCAT_REGISTRY_TOKEN"}``) names; ``field`` is where the
    mapping names it (``source.auth.token``)."""
    env = os.environ if environ is None else environ
    name = str(ref.get("env", ""))
    value = env.get(name)
    if not value:
        raise InvalidInput.of("adapter.secret_missing", field=field, value=name)
    return Secret(name, value)
