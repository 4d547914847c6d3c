"""docs/screens/ has a screenshot of every page type of tests/pages/catalogue.py in every
language and window, and its README lists them all: a page type added to the registry without
its pictures (`make screens`) fails here."""

from __future__ import annotations

import re

from tests.pages.browsing import ROOT
from tests.pages.catalogue import PAGES
from tools.screens import OUT, expected_files, readme


def test_the_readme_lists_every_page_type_and_every_picture() -> None:
    text = (OUT / "README.md").read_text("utf-8")
    listed = set(re.findall(r"\]\(([^)]+\.png)\)", text))
    assert sorted(set(expected_files()) - listed) == []
    assert [p.name for p in PAGES if f"| `{p.name}` |" not in text] == []
    assert text == readme(), "docs/screens/README.md is not the one `make screens` writes"


def test_every_picture_listed_is_there_and_nothing_else() -> None:
    on_disk = {p.name for p in OUT.glob("*.png")}
    assert sorted(set(expected_files()) - on_disk) == []
    assert sorted(on_disk - set(expected_files())) == [], "pictures of no page type"
    assert OUT.is_relative_to(ROOT)
