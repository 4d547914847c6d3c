"""The README documents every setting and the two commands; the public surface is what we mean."""

from __future__ import annotations

from pathlib import Path

import catalog
from api.cli import build_parser
from catalog.settings import Settings, settings_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text().split("## ", 1)[0]
    assert "make run" in head
    assert "make test" in head


def test_readme_settings_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text()
    assert settings_markdown() in readme, "regenerate with `semcat settings --markdown`"
    for name in Settings.model_fields:
        assert f"`SEMCAT_{name.upper()}`" in readme


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for command in sub.choices:  # type: ignore[union-attr]
        assert command in readme, command


def test_the_public_surface_of_catalog() -> None:
    assert set(catalog.__all__) == {
        "Catalog", "CatalogError", "Conflict", "Finding", "Forbidden", "ImportReport",
        "InvalidInput", "InvalidRecord", "NotFound", "Passport", "QueryRejected", "QueryTimeout",
        "RecordOutcome", "Settings", "StoreUnavailable", "UnsafeInput", "ValidationReport",
        "get_settings",
    }
    for name in catalog.__all__:
        assert getattr(catalog, name) is not None


def test_every_shape_has_romanian_and_english_messages() -> None:
    from rdflib import Graph, Namespace
    from rdflib.namespace import RDF

    sh = Namespace("http://www.w3.org/ns/shacl#")
    g = Graph()
    for f in sorted((ROOT / "shapes").glob("*.ttl")):
        g.parse(f)
    shapes = set(g.subjects(sh.path, None)) | set(g.subjects(RDF.type, sh.NodeShape))
    checked = 0
    for s in shapes:
        messages = {m.language for m in g.objects(s, sh.message)}  # type: ignore[attr-defined]
        if s in set(g.subjects(sh.path, None)):
            assert {"ro", "en"} <= messages, s
            checked += 1
    assert checked >= 40
