"""Secrets of sources (tokens, passwords), read from a named ``SEMCAT_*`` setting.

A source's configuration names the setting (``SEMCAT_UPL_TOKEN``), never the value. The value
lives only in a :class:`Secret`, whose ``repr`` and ``str`` hide it, so that a log line, a
report or an error that shows a configuration never shows the secret.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from catalog.errors import ConfigurationError

_NAME = re.compile(r"^SEMCAT_[A-Z0-9_]{1,64}$")


class Secret:
    """A secret value that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value, for the one place that sends it (an HTTP header)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


def read_secret(name: str, environ: Mapping[str, str] | None = None) -> Secret:
    """The secret held by the setting ``name`` (an environment variable ``SEMCAT_*``)."""
    if not _NAME.match(name):
        raise ConfigurationError.of("registry.secret_name", value=name[:80])
    value = (os.environ if environ is None else environ).get(name)
    if not value:
        raise ConfigurationError.of("registry.secret_missing", field=name)
    return Secret(value)
