"""The operations of the nomenclature's SOAP service, each read from the one read side of the
hub: ``GetService`` the published version from the ledger (:mod:`catalog.queries.lookup`),
``ListServices`` through :class:`catalog.queries.browse.Browse` (named SPARQL on the quad store),
``GetChanges`` through the change feed (:func:`catalog.queries.feed.changes`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from lxml import etree

from api.soap import service_xml
from api.soap.envelope import NS, SoapRequest
from catalog import rdfio
from catalog.core import Catalog
from catalog.errors import InvalidInput, NotFound
from catalog.messages import Localized
from catalog.queries import feed, lookup
from catalog.queries.browse import MAX_PAGE, ServiceFilter
from catalog.records.passport import from_triples

Operation = Callable[[Catalog, SoapRequest], etree._Element]
_MAX_SEQ: Final = 2**63 - 1
_MAX_CHANGES: Final = 5000


def _text(req: SoapRequest, name: str, *, required: bool = False) -> str | None:
    node = req.payload.find(f"{{{NS}}}{name}")
    value = None if node is None or node.text is None else node.text.strip()
    if required and not value:
        raise InvalidInput.of("soap.missing_argument", field=name, operation=req.operation,
                              expected=f"<{name}> in the {req.operation} element")
    return value or None


def _int(req: SoapRequest, name: str, default: int, low: int, high: int) -> int:
    raw = _text(req, name)
    if raw is None:
        return default
    if not raw.lstrip("+").isdigit() or not low <= int(raw) <= high:
        raise InvalidInput.of("soap.not_integer", field=name, value=raw, low=low, high=high,
                              expected=f"a whole number from {low} to {high}")
    return int(raw)


def get_service(catalog: Catalog, req: SoapRequest) -> etree._Element:
    kind = catalog.kinds["service"]
    code = kind.check_code(_text(req, "code", required=True) or "")
    found = lookup.published(catalog.ledger, kind.name, code)
    if found is None:
        raise NotFound.of("core.not_published", field="code", value=code,
                          kind=Localized({**kind.labels, "en": "service", "ro": "serviciu"}))
    passport = from_triples(rdfio.parse_canonical(found.content), found.iri)
    return service_xml.service(passport, found.iri, found.number,
                               catalog.institution_code(passport.competent_authority))


def list_services(catalog: Catalog, req: SoapRequest) -> etree._Element:
    browse = catalog.browse()
    life_event, authority = _text(req, "lifeEvent"), _text(req, "authority")
    flt = ServiceFilter(
        life_event=browse.facet_iri("life_event", life_event) if life_event else None,
        authority=browse.facet_iri("authority", authority) if authority else None)
    page = browse.services(flt, limit=_int(req, "limit", 50, 1, MAX_PAGE),
                           cursor=_text(req, "cursor"))
    return service_xml.service_list(page.total, page.items, page.next_cursor)


def get_changes(catalog: Catalog, req: SoapRequest) -> etree._Element:
    after = _int(req, "after", -1, 0, _MAX_SEQ)
    if after < 0:
        _text(req, "after", required=True)
    page = feed.changes(catalog.ledger, after, _int(req, "limit", 500, 1, _MAX_CHANGES))
    return service_xml.change_list(page.last_seq, page.next_after, page.items)


OPERATIONS: Final[dict[str, Operation]] = {
    "GetService": get_service, "ListServices": list_services, "GetChanges": get_changes}


def dispatch(catalog: Catalog, req: SoapRequest) -> etree._Element:
    """The answer element of ``req``'s operation."""
    operation = OPERATIONS.get(req.operation) if etree.QName(req.payload).namespace == NS \
        else None
    if operation is None:
        raise NotFound.of("soap.unknown_operation", field="Body",
                          value=etree.QName(req.payload).text,
                          expected=", ".join(f"{{{NS}}}{name}" for name in OPERATIONS))
    return operation(catalog, req)
