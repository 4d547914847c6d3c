"""WSDL definitions for zeep, read only from a :class:`~adapters.definitions.bundle.Bundle`.

zeep 4.3.3 reads an ``xs:import schemaLocation="/etc/hostname"`` from disk and puts its bytes
into the exception (measured). Here a definition is loaded in two steps:

1. :func:`check_imports` walks the imports from the root file (``wsdl:import``,
   ``xs:import``/``xs:include``/``xs:redefine``) through the bundle's rules, each file once (so
   circular imports terminate), parsing each with the hardened parser: a DOCTYPE, an entity, a
   file that is not XML or a location outside the bundle is refused here, naming the location
   only;
2. zeep loads the root under a made-up origin, and :class:`BundleTransport`, its only way to
   read anything, serves the bundle's files and the mapped URLs and refuses everything else.
   Its settings forbid DTDs and entities, and huge trees.

Whatever zeep raises becomes a :class:`~catalog.errors.InvalidInput` naming the exception's
class, never its content, with no exception chain.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn
from urllib.parse import unquote

import zeep
import zeep.exceptions
from lxml import etree
from zeep.transports import Transport

from adapters.definitions.bundle import Bundle, parse_xml
from catalog.errors import CatalogError, InvalidInput, UnsafeInput

#: the origin the bundle's files are given to zeep under (``.invalid`` never resolves)
ORIGIN = "http://bundle.invalid/"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
XSD = "http://www.w3.org/2001/XMLSchema"
_IMPORTS = (f"{{{WSDL}}}import", f"{{{XSD}}}import", f"{{{XSD}}}include", f"{{{XSD}}}redefine")


def check_imports(bundle: Bundle, root: str) -> list[str]:
    """The bundle names of ``root`` and everything it imports, in reading order."""
    seen: list[str] = []
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.append(name)
        element = parse_xml(bundle.files[name], what=name)
        for node in element.iter(*_IMPORTS):
            location = node.get("location") or node.get("schemaLocation")
            if location:
                todo.append(bundle.resolve(location, name))
    return seen


class BundleTransport(Transport):
    """zeep's loader, confined to a bundle; it never sends anything."""

    def __init__(self, bundle: Bundle) -> None:
        super().__init__(timeout=1, operation_timeout=1)  # type: ignore[no-untyped-call]
        self.bundle = bundle

    def load(self, url: str) -> bytes:
        if url in self.bundle.url_map:
            name = self.bundle.url_map[url]
        elif url.startswith(ORIGIN):
            name = posixpath.normpath(unquote(url[len(ORIGIN):]))
            if name not in self.bundle.files:
                raise UnsafeInput.of("definitions.outside_bundle", field="schemaLocation",
                                     value=url[len(ORIGIN):][:300],
                                     why="a file that is not in the bundle")
        else:
            self.bundle.resolve(url)  # raises the refusal naming the location
            raise UnsafeInput.of("definitions.outside_bundle", field="schemaLocation",
                                 value=url[:300], why="a location zeep made absolute")
        body = self.bundle.files[name]
        parse_xml(body, what=name)  # DOCTYPE, entities, size: refused before zeep parses
        return body

    def post(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("the bundle transport does not send")

    get = post_xml = post


def settings() -> zeep.Settings:
    """zeep's settings for registry definitions: strict, no DTD, no entities, no huge tree."""
    return zeep.Settings(strict=True, forbid_dtd=True, forbid_entities=True,
                         forbid_external=False,  # the transport is the gate (mapped URLs)
                         xml_huge_tree=False, raw_response=False)


def load_client(bundle: Bundle, root: str) -> zeep.Client:
    """A zeep client of the WSDL ``root`` of ``bundle``, read only from the bundle."""
    if root not in bundle.files:
        raise InvalidInput.of("definitions.missing_file", field="wsdl", value=root, name=root)
    check_imports(bundle, root)
    with zeep_errors(root):
        return zeep.Client(ORIGIN + root,  # type: ignore[no-untyped-call]
                           transport=BundleTransport(bundle), settings=settings())


@contextmanager
def zeep_errors(what: str) -> Iterator[None]:
    """zeep's and lxml's errors as ours, named by class only; ours pass through unchained."""
    try:
        yield
    except CatalogError as exc:
        raise exc.with_traceback(None) from None
    except (zeep.exceptions.Error, etree.LxmlError, LookupError, ValueError, TypeError,
            AttributeError, RecursionError) as exc:
        raise InvalidInput.of("registry.wsdl_unreadable", value=what,
                              reason=type(exc).__name__) from None
