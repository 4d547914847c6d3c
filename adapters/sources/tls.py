"""TLS towards a registry: which authorities to trust, and the client certificate that
platforms such as X-Road security servers and MConnect require (mutual TLS). The key's
password, when it has one, comes from a ``SEMCAT_*`` setting like every secret."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from adapters.sources.secrets import read_secret
from catalog.errors import ConfigurationError


@dataclass(frozen=True)
class Tls:
    #: trust these authorities (PEM) instead of the system's
    ca_file: Path | None = None
    #: the client certificate (PEM, its chain) and key, for mutual TLS
    cert_file: Path | None = None
    key_file: Path | None = None
    #: the setting holding the key's password
    key_password_setting: str | None = None

    def context(self, environ: Mapping[str, str] | None = None) -> ssl.SSLContext:
        """A client context: certificates and host names verified, TLS 1.2 at least."""
        password = read_secret(self.key_password_setting, environ).reveal() \
            if self.key_password_setting else None
        files = [str(p.name) for p in (self.ca_file, self.cert_file, self.key_file) if p]
        try:
            context = ssl.create_default_context(
                cafile=str(self.ca_file) if self.ca_file else None)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            if self.cert_file:
                context.load_cert_chain(str(self.cert_file),
                                        str(self.key_file) if self.key_file else None,
                                        password=password)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError.of("registry.tls_files", value=", ".join(files),
                                        reason=type(exc).__name__) from None
        return context
