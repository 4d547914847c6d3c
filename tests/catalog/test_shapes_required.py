"""Validation fails closed: without SHACL shapes the hub does not start, since a validator with
no shapes would accept every record (issue "Room for every kind of record")."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog import paths, shapes
from catalog.core import Catalog
from catalog.errors import ConfigurationError
from catalog.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def refusal(settings: Settings) -> str:
    with pytest.raises(ConfigurationError) as caught:
        Catalog(settings, with_store=False)
    return str(caught.value)


def test_the_checkout_reads_the_top_level_shapes_folder() -> None:
    assert paths.SHAPES_DIR == ROOT / "shapes"
    assert paths.DEMO_DIR == ROOT / "vocabularies" / "demo"
    assert [f.name for f in shapes.shape_files()] == ["asset.ttl", "mappings.ttl",
                                                      "passport.ttl", "reference.ttl"]


def test_an_empty_shapes_folder_refuses_start_up(tmp_path: Path, settings: Settings,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "shapes"
    empty.mkdir()
    (empty / "README.md").write_text("no shapes here\n")
    monkeypatch.setattr(paths, "SHAPES_DIR", empty)
    message = refusal(settings)
    assert str(empty) in message
    assert "no .ttl file" in message
    with pytest.raises(ConfigurationError, match=r"no \.ttl file"), \
            TestClient(create_app(settings)):
        pytest.fail("the app started without shapes")


def test_a_missing_shapes_folder_refuses_start_up(tmp_path: Path, settings: Settings,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "SHAPES_DIR", tmp_path / "nowhere")
    message = refusal(settings)
    assert f"{tmp_path / 'nowhere'} is missing" in message


def test_turtle_without_any_shape_refuses_start_up(tmp_path: Path, settings: Settings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shapes"
    folder.mkdir()
    for name in ("asset.ttl", "mappings.ttl", "passport.ttl", "reference.ttl"):
        (folder / name).write_bytes((ROOT / "vocabularies" / "profile.ttl").read_bytes())
    monkeypatch.setattr(paths, "SHAPES_DIR", folder)
    message = refusal(settings)
    assert f"{folder} declares no sh:NodeShape or sh:PropertyShape in" in message


def test_a_kind_whose_shapes_file_is_missing_refuses_start_up(
        tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "shapes"
    folder.mkdir()
    (folder / "passport.ttl").write_bytes((ROOT / "shapes" / "passport.ttl").read_bytes())
    monkeypatch.setattr(paths, "SHAPES_DIR", folder)  # reference.ttl is not there
    message = refusal(settings)
    assert "the shapes of the kind codelist are missing" in message
    assert str(folder / "reference.ttl") in message
