"""The service's WSDL (``nomenclature.wsdl`` beside this module) with its ``soap:address`` set
to where the hub is published (``SEMCAT_BASE_URI``, never the request's Host header)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

PATH = "soap/nomenclature"
_FILE = Path(__file__).with_name("nomenclature.wsdl")
_WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"


@cache
def wsdl(base_uri: str) -> bytes:
    """The WSDL whose endpoint is ``{base_uri}soap/nomenclature``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(_FILE), parser)
    for address in tree.iter(f"{{{_WSDL_SOAP}}}address"):
        address.set("location", base_uri + PATH)
    out: bytes = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
    return out
