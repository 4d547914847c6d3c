"""The SHACL shapes of every kind of record, loaded fail-closed.

A validator without shapes accepts every record, so the hub does not start when the shapes
folder (:data:`catalog.paths.SHAPES_DIR`) is missing, holds no ``*.ttl`` file, a kind declares
no shapes file or its file is missing, or the files declare no ``sh:NodeShape`` or
``sh:PropertyShape``: each is a :class:`ConfigurationError` naming the folder or the file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SH

from catalog import paths
from catalog.errors import ConfigurationError
from catalog.records.kinds import Kinds
from catalog.validation import load_shapes

_EXPECTED = "a folder of SHACL Turtle files (*.ttl) with node or property shapes"


def _refuse(folder: Path, en: str, ro: str) -> ConfigurationError:
    return ConfigurationError(
        f"the SHACL shapes folder {folder} {en}: without shapes every record would pass "
        "validation, so the hub does not start",
        message_ro=f"dosarul de forme SHACL {folder} {ro}: fără forme orice înregistrare ar "
        "trece validarea, deci hubul nu pornește",
        field="shapes", value=str(folder), expected=_EXPECTED)


def shape_files() -> list[Path]:
    """The ``*.ttl`` files of :data:`catalog.paths.SHAPES_DIR` (read when called)."""
    folder = paths.SHAPES_DIR
    if not folder.is_dir():
        raise _refuse(folder, "is missing", "lipsește")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise _refuse(folder, "holds no .ttl file", "nu conține niciun fișier .ttl")
    return files


def kind_files(kinds: Kinds) -> list[Path]:
    """The shapes files the kinds declare (names in the shapes folder, or paths)."""
    folder = paths.SHAPES_DIR
    shape_files()  # the folder itself first
    files: dict[Path, None] = {}
    for kind in kinds:
        if not kind.shapes:
            raise ConfigurationError(
                f"the kind {kind.name} declares no shapes: its records would pass any "
                "validation, so the hub does not start", field="shapes", value=kind.name,
                message_ro=f"tipul {kind.name} nu declară forme SHACL")
        for name in kind.shapes:
            path = Path(name) if Path(name).is_absolute() else folder / name
            if not path.is_file():
                raise ConfigurationError(
                    f"the shapes of the kind {kind.name} are missing: {path} is not a file; "
                    "without them its records would pass any validation, so the hub does not "
                    "start", message_ro=f"lipsesc formele SHACL ale tipului {kind.name}: "
                    f"{path}", field="shapes", value=str(path), expected=_EXPECTED)
            files[path] = None
    return list(files)


def profile_shapes(kinds: Kinds | None = None) -> Graph:
    """The shapes graph every record is validated against, checked once at start: the files
    the kinds declare (every file of the folder when no kinds are given)."""
    files = kind_files(kinds) if kinds is not None else shape_files()
    for f in files:  # each kind's file, not only the union
        if not _has_shapes(load_shapes([f])):
            raise _refuse(f.parent, f"declares no sh:NodeShape or sh:PropertyShape in {f.name}",
                          f"nu declară niciun sh:NodeShape sau sh:PropertyShape în {f.name}")
    return load_shapes(files)


def _has_shapes(graph: Graph) -> bool:
    return any((None, RDF.type, kind) in graph for kind in (SH.NodeShape, SH.PropertyShape))
