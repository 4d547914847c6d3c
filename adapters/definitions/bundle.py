"""A bundle of definition files, and the only way adapters read WSDL, XSD and other XML.

Definitions import one another (``wsdl:import``, ``xs:import``/``xs:include``
``schemaLocation``). Every such location is resolved here, inside the bundle: a relative
location against the importing file, an absolute URL only through the bundle's explicit URL map
(X-Road WSDLs import ``http://x-road.eu/xsd/xroad.xsd``: :data:`XROAD_SCHEMAS` maps it to the
copy shipped in ``definitions/xroad/``). Anything else (a ``file:`` URL, an absolute path, a
``..`` out of the bundle, an unmapped URL) is refused with :class:`UnsafeInput` naming only the
location, never the content of what it names. A bundle is built from a directory or a zip
archive, with caps on the number of files and on every size (zip bombs are cut while reading).

:func:`parse_xml` is the hardened XML parser: no DOCTYPE or entity declarations at all (refused
before parsing), no network, no huge trees, a size cap.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from catalog.errors import InvalidInput, TooLarge, UnsafeInput
from catalog.gates import check_no_doctype

#: caps of a bundle: files, bytes per file, bytes in all
MAX_FILES = 500
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_BUNDLE_BYTES = 64 * 1024 * 1024

_SHIPPED = Path(__file__).resolve().parent / "xroad"
#: the X-Road schemas definitions import by absolute URL -> the shipped copies
XROAD_SCHEMAS: Mapping[str, Path] = {
    "http://x-road.eu/xsd/xroad.xsd": _SHIPPED / "xroad.xsd",
    "http://x-road.eu/xsd/identifiers.xsd": _SHIPPED / "identifiers.xsd",
    "http://x-road.eu/xsd/xml.xsd": _SHIPPED / "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": _SHIPPED / "xml.xsd",
    "http://ws-i.org/profiles/basic/1.1/swaref.xsd": _SHIPPED / "swaref.xsd",
    "http://www.w3.org/2005/05/xmlmime": _SHIPPED / "xmlmime.xsd",
}


def _refused(location: str, why: str) -> UnsafeInput:
    return UnsafeInput.of("definitions.outside_bundle", field="schemaLocation",
                          value=location[:300], why=why)


@dataclass(frozen=True)
class Bundle:
    """Definition files by their name in the bundle (``a/b.xsd``, POSIX), and the absolute
    URLs they may import, each mapped to a name in the bundle."""

    files: Mapping[str, bytes]
    url_map: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of_files(cls, files: Mapping[str, bytes], *,
                 url_map: Mapping[str, Path] | None = None) -> Bundle:
        """A bundle of ``files`` plus the mapped files of ``url_map`` (default: the X-Road
        schemas), each added under ``_mapped/``; sizes capped."""
        urls = XROAD_SCHEMAS if url_map is None else url_map
        out = dict(files)
        names: dict[str, str] = {}
        for url, path in urls.items():
            name = f"_mapped/{path.name}"
            if name not in out:
                out[name] = _read_capped(path)
            names[url] = name
        _check_caps(out)
        return cls(out, names)

    @classmethod
    def from_directory(cls, root: Path, *,
                       url_map: Mapping[str, Path] | None = None) -> Bundle:
        """Every regular file under ``root`` (symbolic links are not followed)."""
        files: dict[str, bytes] = {}
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            if len(files) >= MAX_FILES:
                raise TooLarge.of("definitions.too_many_files", limit=MAX_FILES)
            files[path.relative_to(root).as_posix()] = _read_capped(path)
        return cls.of_files(files, url_map=url_map)

    @classmethod
    def from_zip(cls, data: bytes, *, url_map: Mapping[str, Path] | None = None) -> Bundle:
        """The files of a zip archive; names with ``..`` or absolute paths are refused, and
        every member is read with its cap whatever size the archive declares."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise InvalidInput.of("definitions.bad_zip", reason=str(exc)) from exc
        files: dict[str, bytes] = {}
        total = 0
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_FILES:
                raise TooLarge.of("definitions.too_many_files", limit=MAX_FILES)
            for member in members:
                name = posixpath.normpath(member.filename)
                if name.startswith(("/", "../")) or name == ".." or "\\" in name:
                    raise _refused(member.filename, "zip member outside the archive")
                with archive.open(member) as stream:
                    body = stream.read(MAX_FILE_BYTES + 1)
                if len(body) > MAX_FILE_BYTES:
                    raise TooLarge.of("definitions.file_too_large", value=name,
                                      limit=MAX_FILE_BYTES)
                total += len(body)
                if total > MAX_BUNDLE_BYTES:
                    raise TooLarge.of("definitions.bundle_too_large", limit=MAX_BUNDLE_BYTES)
                files[name] = body
        return cls.of_files(files, url_map=url_map)

    def resolve(self, location: str, base: str | None = None) -> str:
        """The bundle name that ``location``, imported by the file ``base``, names; refused
        when it is outside the bundle."""
        if location in self.url_map:
            return self.url_map[location]
        parts = urlsplit(location)
        if parts.scheme or parts.netloc:
            if parts.scheme in ("http", "https"):
                raise _refused(location, "a URL that the bundle does not map")
            raise _refused(location, f"the scheme {parts.scheme or '//'}")
        path = unquote(parts.path)
        if path.startswith("/"):
            raise _refused(location, "an absolute path")
        origin = self._url_of(base) if base else None
        if origin:  # a relative import inside a mapped remote schema: a URL to map in turn
            url = urljoin(origin, path)
            if url in self.url_map:
                return self.url_map[url]
            raise _refused(url, "a URL that the bundle does not map")
        name = posixpath.normpath(posixpath.join(posixpath.dirname(base or ""), path))
        if name.startswith("../") or name == "..":
            raise _refused(location, "a path out of the bundle")
        if name not in self.files:
            raise InvalidInput.of("definitions.missing_file", field="schemaLocation",
                                  value=location[:300], name=name)
        return name

    def read(self, location: str, base: str | None = None) -> tuple[str, bytes]:
        """The name and bytes of what ``location`` names (see :meth:`resolve`)."""
        name = self.resolve(location, base)
        return name, self.files[name]

    def _url_of(self, name: str) -> str | None:
        for url, mapped in self.url_map.items():
            if mapped == name:
                return url
        return None


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as stream:
        body = stream.read(MAX_FILE_BYTES + 1)
    if len(body) > MAX_FILE_BYTES:
        raise TooLarge.of("definitions.file_too_large", value=path.name, limit=MAX_FILE_BYTES)
    return body


def _check_caps(files: Mapping[str, bytes]) -> None:
    if len(files) > MAX_FILES:
        raise TooLarge.of("definitions.too_many_files", limit=MAX_FILES)
    if sum(len(b) for b in files.values()) > MAX_BUNDLE_BYTES:
        raise TooLarge.of("definitions.bundle_too_large", limit=MAX_BUNDLE_BYTES)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           collect_ids=False)


def parse_xml(data: bytes, *, what: str, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """The root element of ``data``: refused over ``max_bytes``, with a DOCTYPE or entity
    declaration, or when it is not well-formed XML (the message gives the parser's reason and
    position, never the document's content)."""
    if len(data) > max_bytes:
        raise TooLarge.of("definitions.file_too_large", value=what, limit=max_bytes)
    check_no_doctype(data)
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (None, None)
        raise InvalidInput.of("definitions.not_xml", value=what, line=line, column=column,
                              reason=str(exc.msg)[:200]) from None
