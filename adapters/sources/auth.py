"""How a source authenticates: the scheme and the name of the ``SEMCAT_*`` setting holding the
secret (see :mod:`.secrets`); the header is built when the source opens, and only the HTTP
client holds it."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from adapters.sources.secrets import read_secret


@dataclass(frozen=True)
class Auth:
    #: the setting (environment variable) that holds the token or password
    setting: str
    scheme: Literal["bearer", "basic", "header"] = "bearer"
    #: the header a ``header`` scheme sends the secret in (e.g. ``X-API-Key``)
    header: str = "Authorization"
    #: the user name of the ``basic`` scheme (not a secret)
    user: str = ""

    def headers(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        secret = read_secret(self.setting, environ).reveal()
        if self.scheme == "bearer":
            return {"Authorization": f"Bearer {secret}"}
        if self.scheme == "basic":
            pair = base64.b64encode(f"{self.user}:{secret}".encode()).decode("ascii")
            return {"Authorization": f"Basic {pair}"}
        return {self.header: secret}
