"""xmlschema kept inside a bundle: the files are written to a private folder, every location
xmlschema asks for passes :meth:`Sandbox.map` first, and every XML file passes the hardened
parser before xmlschema sees it.

xmlschema reads schemas by URL. Its own ``allow="sandbox"`` also blocks the WSDL meta-schemas it
ships, so the sandbox is ours: :meth:`Sandbox.map` (the ``uri_mapper``) answers only a file of
the bundle (through :meth:`Bundle.resolve`, so ``..``, absolute paths and unmapped URLs are
refused as they are everywhere else), a URL the bundle maps, or a meta-schema of xmlschema's
own; ``allow="local"`` refuses the network underneath, ``defuse="always"`` any DTD or entity.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import xmlschema

from adapters.definitions.bundle import Bundle, parse_xml
from catalog.errors import InvalidInput, UnsafeInput

_OWN = Path(xmlschema.__file__).resolve().parent / "schemas"
XML_SUFFIXES = (".wsdl", ".xsd", ".xml")


class Sandbox:
    """The files of ``bundle`` under ``root``; :meth:`map` keeps xmlschema among them."""

    def __init__(self, bundle: Bundle, root: Path) -> None:
        self.bundle, self.root = bundle, root

    def path(self, name: str) -> Path:
        return self.root / name

    def name_of(self, url: str) -> str | None:
        """The bundle name of a URL or path xmlschema uses, or None outside the bundle."""
        parts = urlsplit(url)
        local = unquote(parts.path) if parts.scheme in ("", "file") else None
        if local is None:
            return None
        try:
            return Path(local).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def map(self, url: str) -> str:
        if url in self.bundle.url_map:
            return self.path(self.bundle.url_map[url]).as_uri()
        parts = urlsplit(url)
        if parts.scheme in ("", "file") and not parts.netloc:
            local = Path(unquote(parts.path)).resolve()
            if local.is_relative_to(_OWN) or local.is_relative_to(self.root):
                return url
        # a location outside: the bundle names the reason (an unmapped URL, a path out)
        self.bundle.resolve(url)
        raise UnsafeInput.of("definitions.outside_bundle", field="schemaLocation",
                             value=url[:300], why="a location outside the bundle")

    def kwargs(self) -> dict[str, Any]:
        return {"defuse": "always", "allow": "local", "uri_mapper": self.map,
                "base_url": str(self.root), "timeout": 5}


@contextmanager
def sandbox(bundle: Bundle) -> Iterator[Sandbox]:
    """The bundle written to a private temporary folder (removed afterwards); every XML file
    checked by :func:`parse_xml` first (no DOCTYPE, no entities, well-formed)."""
    for name, data in bundle.files.items():
        if name.lower().endswith(XML_SUFFIXES):
            parse_xml(data, what=name)
    root = Path(tempfile.mkdtemp(prefix="semcat-definitions-")).resolve()
    try:
        for name, data in bundle.files.items():
            target = (root / name).resolve()
            if not target.is_relative_to(root):
                raise InvalidInput.of("definitions.missing_file", field="file", value=name,
                                      name=name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield Sandbox(bundle, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
