"""A SOAP registry as a source, on zeep, hardened.

zeep reads the WSDL from a local bundle only (:mod:`.wsdl`) and builds each request envelope
with the header profile's elements (:mod:`.headers`); the request goes out through the bounded
HTTP client (:mod:`.http`: connect, read and total timeouts, a size cap on the streamed answer,
retries on 429/503, no redirect to another host), never through zeep's transport, whose
``operation_timeout`` is ``None``. The answer is parsed by the hardened parser (no DOCTYPE or
entities, no huge tree); a SOAP fault is reported by its code only: nothing a registry answers
is shown to users. The records are the elements ``records`` (XPath 1.0) selects in the answer's
body; each record that is a global element of the WSDL's schemas is checked against it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import zeep
from lxml import etree

from adapters.definitions.bundle import XROAD_SCHEMAS, Bundle, parse_xml
from adapters.mapping.spec import MappingSpec
from adapters.sources import paging
from adapters.sources.auth import Auth
from adapters.sources.base import Item
from adapters.sources.errors import RegistryAnswerRefused, RegistryUnavailable
from adapters.sources.headers import HeaderProfile
from adapters.sources.http import HttpClient, Limits, Retries, where
from adapters.sources.tls import Tls
from adapters.sources.wsdl import load_client, zeep_errors
from catalog.core import Catalog
from catalog.errors import CatalogError, InvalidInput, UnsafeInput
from catalog.messages import Localized
from catalog.records.passport import Passport, from_triples

if TYPE_CHECKING:
    from adapters.sources.registry import SourceContext

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
_FAULT_CODE = re.compile(r"^[A-Za-z_][\w.:-]{0,80}$")


@dataclass(frozen=True)
class SoapPaging:
    """Page-numbered SOAP operations: the request fields of the page and its size; the walk
    stops at the first page with fewer than ``size`` records."""

    page_field: str = "Page"
    size_field: str | None = "PageSize"
    size: int = 100
    first_page: int = 1
    max_pages: int = 10_000


@dataclass(frozen=True)
class SoapConfig:
    """A SOAP source, as a mapping declares it."""

    name: str
    #: a directory (or a zip archive) of definition files, and the WSDL's name in it
    bundle: Path
    wsdl: str
    operation: str
    #: the records in the answer (XPath 1.0 over the SOAP body) and a record's key (relative)
    records: str
    key: str
    namespaces: Mapping[str, str] = field(default_factory=dict)
    #: the operation's arguments
    request: Mapping[str, Any] = field(default_factory=dict)
    #: where to send (the WSDL's address when ``None``)
    endpoint: str | None = None
    #: the WSDL's service and port to use (the first ones when ``None``)
    service: str | None = None
    port: str | None = None
    header: HeaderProfile | None = None
    paging: SoapPaging | None = None
    #: remote locations the definitions import, mapped to files (default: the X-Road schemas)
    url_map: Mapping[str, Path] | None = None
    auth: Auth | None = None
    tls: Tls | None = None
    limits: Limits = field(default_factory=Limits)
    retries: Retries = field(default_factory=Retries)


def open_bundle(config: SoapConfig) -> Bundle:
    urls = XROAD_SCHEMAS if config.url_map is None else config.url_map
    if config.bundle.is_dir():
        return Bundle.from_directory(config.bundle, url_map=urls)
    return Bundle.from_zip(config.bundle.read_bytes(), url_map=urls)


class SoapSource:
    """Records of a SOAP registry (see :class:`adapters.sources.base.Source`)."""

    def __init__(self, config: SoapConfig, *, environ: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.name = config.name
        self.config = config
        self.client = load_client(open_bundle(config), config.wsdl)
        with zeep_errors(config.wsdl):
            self._service = self.client.bind(config.service, config.port) \
                if config.service or config.port else self.client.service
            if self._service is None:
                raise ValueError("the WSDL declares no service")
            binding = self._service._binding
            operations = binding._operations
            if config.operation not in operations:
                raise InvalidInput.of("registry.wsdl_operation", field="operation",
                                      value=config.operation,
                                      known=", ".join(sorted(operations)) or "none")
            self._operation = operations[config.operation]
            self._soap12 = binding.__class__.__name__ == "Soap12Binding"
            self._endpoint = config.endpoint or self._service._binding_options["address"]
        try:
            self._xpath = etree.XPath(config.records, namespaces=dict(config.namespaces))
            self._key = etree.XPath(f"string({config.key})", namespaces=dict(config.namespaces))
        except etree.XPathError:
            raise self._bad_xpath() from None
        headers = dict(config.auth.headers(environ)) if config.auth else {}
        self._http = HttpClient(config.limits, config.retries, headers=headers, sleep=sleep,
                                verify=config.tls.context(environ) if config.tls else True)

    def _bad_xpath(self) -> InvalidInput:
        return InvalidInput.of("registry.bad_xpath", field="records/key",
                               value=f"{self.config.records} | {self.config.key}"[:200])

    def close(self) -> None:
        self._http.close()

    def items(self, after: str | None = None) -> Iterator[Item]:
        start = paging.decode(after, "page")["n"] + 1 if after is not None else 0
        pages = self.config.paging
        if pages is None:
            records = self._call({})
            for i in range(start, len(records)):
                yield self._item(records[i], i)
            return
        n = start
        for _ in range(pages.max_pages):
            args = {pages.page_field: pages.first_page + n // pages.size}
            if pages.size_field:
                args[pages.size_field] = pages.size
            records = self._call(args)
            skip = n % pages.size
            for i in range(skip, len(records)):
                yield self._item(records[i], n + i - skip)
            n += max(0, len(records) - skip)
            if len(records) < pages.size:
                return
        raise RegistryUnavailable.of("registry.too_many_pages", value=where(self._endpoint),
                                     limit=pages.max_pages)

    # one call -----------------------------------------------------------------------------
    def envelope(self, args: Mapping[str, Any]) -> bytes:
        """The request's envelope, with the header profile's elements."""
        headers = self.config.header.elements() if self.config.header else []
        try:
            node = self.client.create_message(  # type: ignore[no-untyped-call]
                self._service, self.config.operation, _soapheaders=headers,
                **{**self.config.request, **args})
        except (zeep.exceptions.Error, TypeError, ValueError) as exc:
            raise InvalidInput.of("registry.request_invalid", field="request",
                                  value=self.config.operation,
                                  reason=f"{type(exc).__name__}: {exc}"[:300]) from None
        return bytes(etree.tostring(node, xml_declaration=True, encoding="utf-8"))

    def _call(self, args: Mapping[str, Any]) -> list[Any]:
        action = self._operation.soapaction or ""
        if self._soap12:
            headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{action}"'}
        else:
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
        answer = self._http.send("POST", self._endpoint, content=self.envelope(args),
                                 headers=headers, ok=frozenset({200, 500}))
        try:
            body = _body(answer.body, answer.url)
        except RegistryAnswerRefused:
            if answer.status != 200:  # an error page, not a SOAP fault
                raise RegistryUnavailable.of("registry.status", value=where(answer.url),
                                             status=answer.status) from None
            raise
        fault = body.find(f"{{{SOAP12 if self._soap12 else SOAP11}}}Fault")
        if fault is not None:
            raise RegistryUnavailable.of("registry.soap_fault", value=where(answer.url),
                                         fault=_fault_code(fault))
        if answer.status != 200:
            raise RegistryUnavailable.of("registry.status", value=where(answer.url),
                                         status=answer.status)
        try:
            records = self._xpath(body)
        except etree.XPathError:
            raise self._bad_xpath() from None
        if not isinstance(records, list) or not all(
                isinstance(r, etree._Element) for r in records):
            raise RegistryAnswerRefused.of("registry.answer_shape", value=where(answer.url),
                                           shape=Localized({
                                               "en": f"elements at {self.config.records!r}",
                                               "ro": f"elemente la {self.config.records!r}",
                                               "ru": f"элементы в {self.config.records!r}"}))
        return records

    def _item(self, record: Any, n: int) -> Item:
        position = paging.encode(n=n)
        try:
            key = str(self._key(record)).strip()
        except etree.XPathError:
            key = ""
        if not key:
            problem = InvalidInput.of("registry.record_no_key", field=self.config.key, index=n)
            return Item(key=f"#{n}", position=position, data=record, problems=(problem,))
        return Item(key=key, position=position, data=record, problems=self._check(key, record))

    def _check(self, key: str, record: Any) -> tuple[CatalogError, ...]:
        """The record against its global element in the WSDL's schemas, when it is one: its
        structure (zeep, strict) and its simple values (which zeep only logs)."""
        try:
            element = self.client.wsdl.types.get_element(record.tag)
        except (LookupError, zeep.exceptions.Error):
            return ()
        reason = None
        with _VALUE_ERRORS.collecting() as bad_values:
            try:
                element.parse(record, self.client.wsdl.types)  # type: ignore[no-untyped-call]
            except zeep.exceptions.XMLParseError as exc:  # names elements, never values
                reason = f"{type(exc).__name__}: {exc.message}"[:300]
            except (zeep.exceptions.Error, ValueError, TypeError, LookupError) as exc:
                reason = type(exc).__name__
        if reason is None and bad_values:
            reason = f"{len(bad_values)} value(s) not of their XSD type ({bad_values[0]})"
        if reason is None:
            return ()
        return (InvalidInput.of("registry.record_xsd", field=etree.QName(record).localname,
                                value=key[:100], reason=reason),)


class _ValueErrors(logging.Filter):
    """zeep logs a simple value it cannot read, with the value (a registry's data) and goes
    on. This filter, on that logger, drops those records (no registry data in logs) and, while
    a record is checked in this thread, keeps the names of the exceptions for its problem."""

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()

    @contextmanager
    def collecting(self) -> Iterator[list[str]]:
        found: list[str] = []
        self._local.found = found
        try:
            yield found
        finally:
            self._local.found = None

    def filter(self, record: logging.LogRecord) -> bool:
        found = getattr(self._local, "found", None)
        if found is not None and record.exc_info and record.exc_info[0]:
            found.append(record.exc_info[0].__name__)
        return False


_VALUE_ERRORS = _ValueErrors()
logging.getLogger("zeep.xsd.types.simple").addFilter(_VALUE_ERRORS)


def _body(data: bytes, url: str) -> Any:
    """The SOAP Body of an answer, parsed by the hardened parser."""
    try:
        root = parse_xml(data, what="answer", max_bytes=len(data) + 1)
    except UnsafeInput:
        raise RegistryAnswerRefused.of("registry.answer_unsafe", value=where(url)) from None
    except InvalidInput as exc:
        raise RegistryAnswerRefused.of("registry.answer_not_xml", value=where(url),
                                       line=exc.line, column=exc.column) from None
    for ns in (SOAP11, SOAP12):
        if root.tag == f"{{{ns}}}Envelope":
            body = root.find(f"{{{ns}}}Body")
            if body is not None:
                return body
    raise RegistryAnswerRefused.of("registry.answer_shape", value=where(url),
                                   shape=Localized({"en": "a SOAP Envelope with a Body",
                                                       "ro": "un SOAP Envelope cu Body",
                                                       "ru": "SOAP Envelope с Body"}))


def _fault_code(fault: Any) -> str:
    """The fault's code (SOAP 1.1 ``faultcode``, 1.2 ``Code/Value``), when it looks like one."""
    node = fault.find("faultcode")
    if node is None:
        node = fault.find(f"{{{SOAP12}}}Code/{{{SOAP12}}}Value")
    text = (node.text or "").strip() if node is not None else ""
    return text if _FAULT_CODE.match(text) else "unreadable"


def published_passport(catalog: Catalog, code: str) -> Passport:
    """The published passport of the service ``code``, whose legal basis and title the
    MConnect headers of a call on its behalf carry."""
    return from_triples(catalog.service_graph(code), catalog.service_iri(code))


def source_from_mapping(spec: MappingSpec, context: SourceContext) -> SoapSource:
    """The SOAP source a mapping declares (see :mod:`adapters.sources.configs`): the WSDL from
    its bundle, the header profile's values, MConnect's call basis from the catalogue."""
    from adapters.sources.configs import soap_config

    return SoapSource(soap_config(spec, context))
