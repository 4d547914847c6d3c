"""Where the data folders are: shapes, vocabularies, demo data.

In a checkout (and an editable install) they are the repository's top-level ``shapes/`` and
``vocabularies/``; an installed wheel carries them inside the package, as
``catalog/_shipped/shapes`` and ``catalog/_shipped/vocabularies`` (setup.py maps them there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

_PACKAGE: Final = Path(__file__).resolve().parent
_SHIPPED: Final = _PACKAGE / "_shipped"

#: the folder that holds ``shapes/`` and ``vocabularies/``
ROOT: Final = _SHIPPED if _SHIPPED.is_dir() else _PACKAGE.parent
SHAPES_DIR: Final = ROOT / "shapes"
VOCABULARIES_DIR: Final = ROOT / "vocabularies"
CODELISTS_DIR: Final = VOCABULARIES_DIR / "codelists"
DEMO_DIR: Final = VOCABULARIES_DIR / "demo"

