"""Where the data folders of the repository are: shapes, vocabularies, demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
SHAPES_DIR: Final = ROOT / "shapes"
VOCABULARIES_DIR: Final = ROOT / "vocabularies"
CODELISTS_DIR: Final = VOCABULARIES_DIR / "codelists"
DEMO_DIR: Final = VOCABULARIES_DIR / "demo"
