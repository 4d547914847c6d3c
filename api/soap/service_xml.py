"""A published service passport as the WSDL's ``Service`` element (and the summaries, changes of
the list and feed operations): one function per type of the schema, fields in schema order."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from api.soap.envelope import NS, xml_text
from catalog.queries.browse import ServiceItem
from catalog.queries.feed import FeedItem
from catalog.records.passport import Channel, Cost, Evidence, Output, Passport, Requirement

Part = Requirement | Evidence | Output | Cost | Channel

_LANG_ORDER = {"ro": 0, "en": 1, "ru": 2}


def _el(parent: etree._Element, name: str, text: object | None = None,
        **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NS}}}{name}", **attrs)
    if text is not None:
        node.text = xml_text(str(text))
    return node


def _texts(parent: etree._Element, name: str, texts: dict[str, str]) -> None:
    for lang in sorted(texts, key=lambda k: (_LANG_ORDER.get(k, 9), k)):
        _el(parent, name, texts[lang], lang=lang)


def _all(parent: etree._Element, name: str, values: Iterable[str]) -> None:
    for value in values:
        _el(parent, name, value)


def _part(parent: etree._Element, name: str, part: Part) -> etree._Element:
    node = _el(parent, name)
    _el(node, "identifier", part.identifier)
    _texts(node, "title", part.title)
    _texts(node, "description", part.description)
    kind = getattr(part, "type", None)
    if kind is not None:
        _el(node, "type", kind)
    return node


def _evidence(parent: etree._Element, ev: Evidence) -> None:
    node = _part(parent, "evidence", ev)
    if ev.obtained_by_authority is not None:
        _el(node, "obtainedByAuthority", "true" if ev.obtained_by_authority else "false")


def _cost(parent: etree._Element, cost: Cost) -> None:
    node = _part(parent, "cost", cost)
    _el(node, "value", format(cost.value, "f").rstrip("0").rstrip(".") or "0")
    _el(node, "currency", cost.currency)


def _channel(parent: etree._Element, ch: Channel) -> None:
    node = _part(parent, "channel", ch)
    if ch.url is not None:
        _el(node, "url", ch.url)
    if ch.owned_by is not None:
        _el(node, "ownedBy", ch.owned_by)
    _all(node, "location", ch.locations)


def service(p: Passport, iri: str, version: int, authority_code: str | None
            ) -> etree._Element:
    """``GetServiceResponse`` for version ``version`` of ``p`` (whose IRI is ``iri``)."""
    response = etree.Element(f"{{{NS}}}GetServiceResponse", nsmap={"n": NS})
    node = _el(response, "service")
    _el(node, "code", p.code)
    _el(node, "iri", iri)
    _el(node, "version", version)
    _texts(node, "title", p.title)
    _texts(node, "description", p.description)
    for lang in sorted(p.keywords, key=lambda k: (_LANG_ORDER.get(k, 9), k)):
        for word in p.keywords[lang]:
            _el(node, "keyword", word, lang=lang)
    _el(node, "competentAuthority", p.competent_authority)
    if authority_code is not None:
        _el(node, "authorityCode", authority_code)
    for name, values in (("legalResource", p.legal_resources), ("audience", p.audiences),
                         ("lifeEvent", p.life_events), ("thematicArea", p.thematic_areas),
                         ("language", p.languages), ("spatial", p.spatial),
                         ("relatedService", p.related_services)):
        _all(node, name, values)
    if p.processing_time is not None:
        _el(node, "processingTime", p.processing_time)
    for req in p.requirements:
        _part(node, "requirement", req)
    for ev in p.evidence:
        _evidence(node, ev)
    for out in p.outputs:
        _part(node, "output", out)
    for cost in p.costs:
        _cost(node, cost)
    for ch in p.channels:
        _channel(node, ch)
    return response


def service_list(total: int, items: list[ServiceItem], next_cursor: str | None
                 ) -> etree._Element:
    response = etree.Element(f"{{{NS}}}ListServicesResponse", nsmap={"n": NS})
    _el(response, "total", total)
    for item in items:
        node = _el(response, "service")
        _el(node, "code", item.code)
        _el(node, "iri", item.iri)
        _texts(node, "title", item.title)
        _el(node, "competentAuthority", item.authority)
    if next_cursor is not None:
        _el(response, "nextCursor", next_cursor)
    return response


def change_list(last_seq: int, next_after: int, items: list[FeedItem]) -> etree._Element:
    response = etree.Element(f"{{{NS}}}GetChangesResponse", nsmap={"n": NS})
    _el(response, "lastSeq", last_seq)
    _el(response, "nextAfter", next_after)
    for item in items:
        node = _el(response, "change")
        _el(node, "seq", item.seq)
        _el(node, "operation", item.op)
        _el(node, "kind", item.kind)
        _el(node, "iri", item.iri)
        if item.code is not None:
            _el(node, "code", item.code)
        if item.version is not None:
            _el(node, "version", item.version)
        if item.at is not None:
            _el(node, "at", item.at.isoformat())
    return response
