"""Fixtures of the catalog tests: a permissive shapes folder (opt-in, never autouse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog import paths
from tests.factories import write_permissive_shapes


@pytest.fixture
def permissive_shapes(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> Path:
    """Catalogs opened in the test validate against tests.factories.PERMISSIVE_SHAPES only
    (a service needs an identifier and a title), not the profile's shapes/*.ttl."""
    folder = write_permissive_shapes(tmp_path_factory.mktemp("shapes"))
    monkeypatch.setattr(paths, "SHAPES_DIR", folder)
    return folder
