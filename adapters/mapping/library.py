"""The adapters a hub knows: the mapping files of ``SEMCAT_ADAPTERS_DIR``, found by name (the
mapping's ``name``, or the file's stem) or by path."""

from __future__ import annotations

from pathlib import Path

from adapters.mapping.spec import MappingSpec, load
from catalog.errors import CatalogError, NotFound

#: at most this many mapping files are read from the folder
MAX_MAPPINGS = 1000


def mapping_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])[:MAX_MAPPINGS]


def all_mappings(folder: Path) -> list[tuple[Path, MappingSpec | CatalogError]]:
    """Every mapping of the folder, or why it cannot be read."""
    out: list[tuple[Path, MappingSpec | CatalogError]] = []
    for path in mapping_files(folder):
        try:
            out.append((path, load(path)))
        except CatalogError as exc:
            out.append((path, exc))
    return out


def find(folder: Path, name_or_path: str) -> MappingSpec:
    """The mapping named ``name_or_path`` in ``folder``, or the file at that path."""
    as_path = Path(name_or_path)
    if as_path.suffix in (".yaml", ".yml", ".json") and as_path.is_file():
        return load(as_path)
    for path in mapping_files(folder):
        if path.stem == name_or_path:
            return load(path)
    for _path, spec in all_mappings(folder):
        if isinstance(spec, MappingSpec) and spec.name == name_or_path:
            return spec
    names = [p.stem for p in mapping_files(folder)]
    raise NotFound.of("adapter.no_such", field="adapter", value=name_or_path,
                          where=str(folder), expected=", ".join(names[:20]) or "none")
