"""SOAP 1.1 envelopes: requests read with a hardened parser, answers and faults written.

A request is refused before any parser sees it when it is larger than the cap or declares a
DOCTYPE (no DTD, hence no entity of any kind: neither XXE nor billion laughs); the parser itself
loads no DTD, resolves no entity, reads nothing from the network and keeps libxml2's limits on
depth and node size. Every refusal is a :class:`~catalog.errors.CatalogError`, answered as a
SOAP Fault (``soap:Client`` for the caller's mistakes, ``soap:Server`` otherwise) whose detail
carries the code, the message in English, Romanian and Russian, and the field at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from lxml import etree

from catalog import gates
from catalog.errors import CatalogError, InvalidInput

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
#: the namespace of the service's messages (the WSDL's target namespace)
NS: Final = "https://w3id.org/semcat/soap/nomenclature/1"
XROAD: Final = "http://x-road.eu/xsd/xroad.xsd"
MEDIA_TYPE: Final = "text/xml; charset=utf-8"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (U+FFFD in their place)."""
    return _NOT_XML.sub("\ufffd", value)


def _parser() -> etree.XMLParser:
    """A parser per request (lxml parsers are not shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_pis=True,
                           remove_comments=True)


@dataclass(frozen=True)
class SoapRequest:
    operation: str  # the local name of the Body's element
    payload: etree._Element
    headers: tuple[etree._Element, ...]  # the X-Road headers, echoed in the answer


def parse_request(data: bytes, *, max_bytes: int) -> SoapRequest:
    """The operation, its element and the headers of a SOAP 1.1 request."""
    gates.check_size(data, max_bytes, what="the SOAP request")
    gates.check_no_doctype(data)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidInput.of("soap.not_xml", field="Envelope",
                              reason=str(exc.msg or "unreadable")[:200],
                              expected="a SOAP 1.1 envelope") from None
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        name = etree.QName(root)
        raise InvalidInput.of("soap.not_envelope", field="Envelope",
                              namespace=name.namespace or "", name=name.localname,
                              expected=f"{{{SOAP_ENV}}}Envelope")
    header = root.find(f"{{{SOAP_ENV}}}Header")
    body = root.find(f"{{{SOAP_ENV}}}Body")
    operation = None if body is None else next(
        (child for child in body if isinstance(child.tag, str)), None)
    if operation is None:
        raise InvalidInput.of("soap.no_operation", field="Body",
                              expected="GetService, ListServices or GetChanges")
    headers = () if header is None else tuple(
        h for h in header if isinstance(h.tag, str) and etree.QName(h).namespace == XROAD)
    return SoapRequest(etree.QName(operation).localname, operation, headers)


def _envelope(headers: tuple[etree._Element, ...]) -> tuple[etree._Element, etree._Element]:
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV, "n": NS})
    if headers:
        head = etree.SubElement(env, f"{{{SOAP_ENV}}}Header")
        head.extend(headers)
    return env, etree.SubElement(env, f"{{{SOAP_ENV}}}Body")


def answer(payload: etree._Element, headers: tuple[etree._Element, ...] = ()) -> bytes:
    """The envelope of an answer: the request's headers (X-Road asks for them back) and
    ``payload``."""
    env, body = _envelope(headers)
    body.append(payload)
    out: bytes = etree.tostring(env, xml_declaration=True, encoding="utf-8")
    return out


def fault(exc: CatalogError, *, server: bool,
          headers: tuple[etree._Element, ...] = ()) -> bytes:
    """A SOAP 1.1 Fault for ``exc``; its detail is the WSDL's ``error`` element."""
    env, body = _envelope(headers)
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(node, "faultcode").text = "soapenv:Server" if server else "soapenv:Client"
    etree.SubElement(node, "faultstring").text = exc.message
    detail = etree.SubElement(etree.SubElement(node, "detail"), f"{{{NS}}}error")
    etree.SubElement(detail, f"{{{NS}}}code").text = exc.code
    for lang, text in exc.messages.items():
        etree.SubElement(detail, f"{{{NS}}}message", lang=lang).text = text
    for key in ("field", "value", "expected"):
        value = getattr(exc, key)
        if value is not None:
            etree.SubElement(detail, f"{{{NS}}}{key}").text = xml_text(str(value)[:500])
    out: bytes = etree.tostring(env, xml_declaration=True, encoding="utf-8")
    return out
