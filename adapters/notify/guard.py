"""Where the hub may send notifications (and fetch another catalogue to harvest): http(s) URLs
without credentials whose host resolves to public addresses only (no SSRF into the hub's own
network), unless the setting ``notify_allow_private`` (``harvest_allow_private``) allows
loopback, private, link-local and other special addresses.

The address is checked when a subscription is registered and again at each delivery, which
then connects to the very address it checked (the host name still goes in ``Host`` and TLS
SNI), so a name that resolves elsewhere later (DNS rebinding) cannot take the hub there.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from catalog.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    """A checked URL: its host and port, and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def _special(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is (None: public)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return _special(ip.ipv4_mapped)
    for what, test in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                       ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                       ("private", ip.is_private), ("reserved", ip.is_reserved),
                       ("not global", not ip.is_global)):
        if test:
            return what
    return None


def check_url(url: str, area: str = "notify", field: str = "url") -> tuple[str, str, int]:
    """The scheme, host and port of a subscriber URL (or, with ``area="harvest"``, of a
    catalogue to harvest: the messages of that area, naming ``field``), refused when it is
    not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput.of(f"{area}.url_scheme", field=field, value=url,
                              expected="an http:// or https:// URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput.of(f"{area}.url_scheme", field=field, value=url,
                              expected="an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput.of(f"{area}.url_credentials", field=field,
                              expected="a URL without user name or password")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(url: str, *, allow_private: bool, area: str = "notify", field: str = "url"
            ) -> Target:
    """``url`` checked and resolved to the one address a delivery (or a harvest: ``area``,
    see :func:`check_url`) will connect to."""
    scheme, host, port = check_url(url, area, field)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InvalidInput.of(f"{area}.url_unresolved", field=field, value=host, host=host,
                              expected="a host name that resolves") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise InvalidInput.of(f"{area}.url_unresolved", field=field, value=host, host=host,
                              expected="a host name that resolves")
    if not allow_private:
        for ip in addresses:  # every address the name has: any of them could be used
            if (what := _special(ip)) is not None:
                raise InvalidInput.of(f"{area}.url_private", field=field, value=host,
                                      host=host, what=what, address=str(ip),
                                      expected="a host on the public network")
    return Target(url, scheme, host, port, str(addresses[0]))
