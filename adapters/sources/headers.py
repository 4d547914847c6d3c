"""SOAP header profiles: X-Road message protocol 4.0 and the Moldovan MConnect platform.

X-Road (``http://x-road.eu/xsd/xroad.xsd``): ``client`` (member or subsystem), ``service``,
``id`` (unique per message), ``userId``, ``issue`` and ``protocolVersion`` "4.0"; identifiers
in ``http://x-road.eu/xsd/identifiers``.

MConnect (``https://mconnect.gov.md``): ``CallingUser`` (who asks), ``CallingEntity`` (the
institution), ``CallBasis`` (the legal basis of the call) and ``CallReason``. The hub knows
both of the last two for a call made on behalf of a service: :func:`mconnect_for` fills
``CallBasis`` from the articles of law in the published passport's legal basis and
``CallReason`` from the service's code and title and the request it serves.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from catalog.errors import InvalidInput
from catalog.records.passport import Passport

XROAD = "http://x-road.eu/xsd/xroad.xsd"
XROAD_ID = "http://x-road.eu/xsd/identifiers"
MCONNECT = "https://mconnect.gov.md"
_ARTICLE = re.compile(r"^(?P<act>.+)/art/(?P<n>[^/]+)$")
_MEMBER = ("xRoadInstance", "memberClass", "memberCode")


def _el(ns: str, name: str, text: str | None = None, **attrs: str) -> Any:
    node = etree.Element(f"{{{ns}}}{name}", attrs, nsmap=None)
    if text is not None:
        node.text = text
    return node


def _parts(value: str, low: int, high: int, what: str) -> list[str]:
    parts = value.split("/")
    if not low <= len(parts) <= high or not all(parts):
        shape = ["INSTANCE", "CLASS", "MEMBER", "SUBSYSTEM", "CODE", "VERSION"]
        raise InvalidInput.of("registry.bad_identifier", field=what, value=value[:100],
                              expected=f"{'/'.join(shape[:low])}"
                                       f"{''.join('[/' + p + ']' for p in shape[low:high])}")
    return parts


@dataclass(frozen=True)
class XRoadHeader:
    """X-Road 4.0 headers: ``client`` is ``INSTANCE/CLASS/MEMBER[/SUBSYSTEM]``, ``service``
    ``INSTANCE/CLASS/MEMBER/SUBSYSTEM/CODE[/VERSION]``."""

    client: str
    service: str
    user_id: str
    issue: str | None = None
    protocol_version: str = "4.0"

    def elements(self, message_id: str | None = None) -> list[Any]:
        client = _parts(self.client, 3, 4, "client")
        service = _parts(self.service, 5, 6, "service")
        out = []
        node = _el(XROAD, "client", **{f"{{{XROAD_ID}}}objectType":
                                       "SUBSYSTEM" if len(client) == 4 else "MEMBER"})
        for name, value in zip((*_MEMBER, "subsystemCode"), client, strict=False):
            node.append(_el(XROAD_ID, name, value))
        out.append(node)
        node = _el(XROAD, "service", **{f"{{{XROAD_ID}}}objectType": "SERVICE"})
        for name, value in zip((*_MEMBER, "subsystemCode", "serviceCode", "serviceVersion"),
                               service, strict=False):
            node.append(_el(XROAD_ID, name, value))
        out.append(node)
        out.append(_el(XROAD, "id", message_id or uuid.uuid4().hex))
        out.append(_el(XROAD, "userId", self.user_id))
        if self.issue:
            out.append(_el(XROAD, "issue", self.issue))
        out.append(_el(XROAD, "protocolVersion", self.protocol_version))
        return out

    def rest_headers(self) -> dict[str, str]:
        """The same call's HTTP headers under the X-Road message protocol for REST (the
        service is named in the path ``/r1/{service}``; the security server adds the id)."""
        _parts(self.client, 3, 4, "client")
        headers = {"X-Road-Client": self.client, "X-Road-UserId": self.user_id}
        if self.issue:
            headers["X-Road-Issue"] = self.issue
        return headers

    def rest_path(self) -> str:
        """The path of the service on the client's security server."""
        return "/r1/" + "/".join(_parts(self.service, 5, 6, "service"))


@dataclass(frozen=True)
class MConnectHeader:
    """MConnect headers, as :func:`mconnect_for` fills them."""

    calling_user: str
    calling_entity: str
    call_basis: str
    call_reason: str

    def elements(self, message_id: str | None = None) -> list[Any]:
        del message_id  # MConnect has no message id header
        return [_el(MCONNECT, "CallingUser", self.calling_user),
                _el(MCONNECT, "CallingEntity", self.calling_entity),
                _el(MCONNECT, "CallBasis", self.call_basis),
                _el(MCONNECT, "CallReason", self.call_reason)]


HeaderProfile = XRoadHeader | MConnectHeader
Labels = Callable[[str], Mapping[str, str] | None]


def call_basis(passport: Passport, label: Labels, lang: str = "ro") -> str:
    """The legal basis of ``passport`` as acts and articles: each article its act's name and
    the article's number (``Legea nr. 100/2001 privind actele de stare civilă, art. 73``)."""
    basis = []
    for iri in passport.legal_resources:
        match = _ARTICLE.match(iri)
        if not match:
            continue
        names = label(match["act"]) or {}
        act = names.get(lang) or names.get("en") or match["act"].rsplit("/eli/", 1)[-1]
        basis.append(f"{act}, art. {match['n']}")
    if not basis:
        raise InvalidInput.of("registry.no_legal_basis", field="legal_resources",
                              value=passport.code)
    return "; ".join(basis)[:1000]


def call_reason(passport: Passport, request: str, lang: str = "ro") -> str:
    """Why the call is made: the service's code and title, and the request it serves (an
    application number, a case reference)."""
    title = passport.title.get(lang) or passport.title.get("en") or ""
    return f"{passport.code} {title}: {request}"[:500]


def mconnect_for(passport: Passport, label: Labels, *, calling_user: str,
                 calling_entity: str, request: str) -> MConnectHeader:
    """The MConnect headers of a call made on behalf of the service of ``passport`` (the
    published one: see :func:`adapters.sources.soap.published_passport`)."""
    return MConnectHeader(calling_user=calling_user, calling_entity=calling_entity,
                          call_basis=call_basis(passport, label),
                          call_reason=call_reason(passport, request))
