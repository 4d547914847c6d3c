"""The house rules of docs/architecture.md, checked on the code: what each part of catalog/ may
import, the core free of HTTP and registries, and no module over 500 lines (the public surface:
tests/test_documentation.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalog"

#: Part of catalog/ -> the parts it may import (besides itself). The foundation (errors,
#: settings, namespaces, text, paths, gates, rdfio) is open to every part.
FOUNDATION = {"errors", "messages", "settings", "namespaces", "text", "paths", "gates", "rdfio"}
MAY_IMPORT: dict[str, set[str]] = {
    **dict.fromkeys(FOUNDATION, FOUNDATION),
    "records": FOUNDATION,
    "validation": FOUNDATION,
    "ledger": FOUNDATION,
    "intake": FOUNDATION | {"records", "validation"},
    "store": FOUNDATION | {"queries"},  # the named-query loader only
    "queries": FOUNDATION | {"records", "store", "ledger"},
    "projections": FOUNDATION | {"records", "validation", "ledger", "store"},
    "shapes": FOUNDATION | {"records", "validation"},
    "checks": FOUNDATION | {"records", "ledger", "queries"},
    "core": FOUNDATION | {"records", "validation", "ledger", "store", "queries", "projections",
                          "shapes", "intake", "checks"},
    "workflow": FOUNDATION | {"records", "validation", "ledger", "intake", "core"},
    "demo": FOUNDATION | {"records", "core", "workflow"},
    "codelists": FOUNDATION | {"records", "ledger", "projections"},
    "mappings": FOUNDATION | {"records", "workflow", "core"},
    "__init__": {"core", "errors", "records", "settings", "validation", "workflow"},
    "contexts": set(),  # data: the bundled JSON-LD contexts
}
FORBIDDEN_IN_CORE = ("fastapi", "starlette", "uvicorn", "zeep", "jinja2", "api", "adapters")


def _part(path: Path) -> str:
    rel = path.relative_to(CATALOG).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Modules imported by ``path``, each with whether it is for type checking only."""
    tree = ast.parse(path.read_text("utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    out: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "catalog" else \
                [f"catalog.{a.name}" for a in node.names]
            out += [(n, id(node) in typing_only) for n in names]
        elif isinstance(node, ast.Import):
            out += [(a.name, id(node) in typing_only) for a in node.names]
    return out


SOURCES = sorted(p for p in CATALOG.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_part_of_the_core_imports_only_what_it_may(path: Path) -> None:
    part = _part(path)
    assert part in MAY_IMPORT, f"{part} is not a known part of catalog/ (docs/architecture.md)"
    for module, typing_only in _imports(path):
        top = module.split(".")[0]
        assert top not in FORBIDDEN_IN_CORE, f"{path.name} imports {module}: the core knows " \
            "nothing of HTTP, pages or registries"
        if top != "catalog" or typing_only:
            continue
        target = module.split(".")[1] if "." in module else "__init__"
        assert target == part or target in MAY_IMPORT[part], \
            f"{path.relative_to(ROOT)} ({part}) imports {module} ({target})"


def test_no_module_is_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for d in ("catalog", "api", "adapters", "bench")
            for p in (ROOT / d).rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > 500}
    assert long == {}


def test_every_part_of_the_core_is_named_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    for part in {_part(p) for p in SOURCES} - {"__init__"}:
        shown = f"`{part}/`" if (CATALOG / part).is_dir() else f"`{part}.py`"
        assert shown in doc, f"docs/architecture.md does not name {shown}"
