"""The SHACL shapes of every kind of record, loaded fail-closed.

A validator without shapes accepts every record, so the hub does not start when the shapes
folder (:data:`catalog.paths.SHAPES_DIR`) is missing, holds no ``*.ttl`` file, a kind declares
no shapes file or its file is missing, or the files declare no ``sh:NodeShape`` or
``sh:PropertyShape``: each is a :class:`ConfigurationError` naming the folder or the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, SH

from catalog import paths
from catalog.errors import ConfigurationError
from catalog.records.kinds import Kinds, RecordKind
from catalog.records.split import RecordDraft
from catalog.validation import ReferenceIndex, ValidationReport, Validator, load_shapes
from catalog.validation.open_world import validate_open

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


def kind_files(kinds: Iterable[RecordKind]) -> list[Path]:
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
    files = kind_files(k for k in kinds if k.variant_of is None) if kinds is not None \
        else shape_files()
    for f in files:  # each kind's file, not only the union
        if not _has_shapes(load_shapes([f])):
            raise _refuse("shapes.file_without_shapes", f.parent, file=f.name)
    return load_shapes(files)


def variants_present(kinds: Kinds) -> None:
    """Refuse to start when a variant kind's shapes file is missing (they compile on first
    use: :func:`variant_validator`)."""
    variants = [k for k in kinds if k.variant_of is not None]
    if variants:
        kind_files(variants)


@cache
def variant_validator(files: tuple[Path, ...], engine: str) -> Validator:
    """The validator of a variant kind: its own shapes alone, parsed, checked against
    SHACL-for-SHACL and compiled once per process (they are immutable)."""
    for f in files:
        if not _has_shapes(load_shapes([f])):
            raise _refuse("shapes.file_without_shapes", f.parent, file=f.name)
    return Validator(load_shapes(files), engine)


def validate_variant(kind: RecordKind, draft: RecordDraft, index: ReferenceIndex,
                     engine: str) -> ValidationReport:
    """A record of a variant kind (another catalogue's) against the kind's shapes alone, its
    undescribed references as warnings (:mod:`catalog.validation.open_world`)."""
    return validate_open(variant_validator(tuple(kind_files([kind])), engine),
                         draft.iri, draft.triples, index)


def _has_shapes(graph: Graph) -> bool:
    return any((None, RDF.type, kind) in graph for kind in (SH.NodeShape, SH.PropertyShape))
