"""The SHACL shapes of every kind of record, loaded fail-closed.

A validator without shapes accepts every record, so the hub does not start when the shapes
folder (:data:`catalog.paths.SHAPES_DIR`) is missing, holds no ``*.ttl`` file, a kind declares
no shapes file or its file is missing, or the files declare no ``sh:NodeShape`` or
``sh:PropertyShape``: each is a :class:`ConfigurationError` naming the folder or the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SH

from catalog import paths
from catalog.errors import ConfigurationError
from catalog.records.kinds import Kinds
from catalog.validation import load_shapes

_EXPECTED = "a folder of SHACL Turtle files (*.ttl) with node or property shapes"


def _refuse(message_id: str, folder: Path, **params: Any) -> ConfigurationError:
    return ConfigurationError.of(message_id, field="shapes", value=str(folder),
                                 expected=_EXPECTED, **params)


def shape_files() -> list[Path]:
    """The ``*.ttl`` files of :data:`catalog.paths.SHAPES_DIR` (read when called)."""
    folder = paths.SHAPES_DIR
    if not folder.is_dir():
        raise _refuse("shapes.folder_missing", folder)
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise _refuse("shapes.folder_empty", folder)
    return files


def kind_files(kinds: Kinds) -> list[Path]:
    """The shapes files the kinds declare (names in the shapes folder, or paths)."""
    folder = paths.SHAPES_DIR
    shape_files()  # the folder itself first
    files: dict[Path, None] = {}
    for kind in kinds:
        if not kind.shapes:
            raise ConfigurationError.of("shapes.kind_declares_none", field="shapes",
                                        value=kind.name)
        for name in kind.shapes:
            path = Path(name) if Path(name).is_absolute() else folder / name
            if not path.is_file():
                raise ConfigurationError.of("shapes.kind_file_missing", field="shapes",
                                            value=str(path), expected=_EXPECTED,
                                            kind_name=kind.name)
            files[path] = None
    return list(files)


def profile_shapes(kinds: Kinds | None = None) -> Graph:
    """The shapes graph every record is validated against, checked once at start: the files
    the kinds declare (every file of the folder when no kinds are given)."""
    files = kind_files(kinds) if kinds is not None else shape_files()
    for f in files:  # each kind's file, not only the union
        if not _has_shapes(load_shapes([f])):
            raise _refuse("shapes.file_without_shapes", f.parent, file=f.name)
    return load_shapes(files)


def _has_shapes(graph: Graph) -> bool:
    return any((None, RDF.type, kind) in graph for kind in (SH.NodeShape, SH.PropertyShape))
