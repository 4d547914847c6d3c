"""Every type of page the hub shows, in one list: the accessibility sweep
(tests/pages/test_accessibility.py), the screenshots (`make screens`, tools/screens.py) and the
page benchmark (bench/pages.py) all walk it. A new page is one line in ``PAGES``.

A page type names one page of the demo hub (`semcat serve` with SEMCAT_LOAD_DEMO=true) that
stands for all the pages of its template: its path (or a function of the hub's base URL giving
the path), the HTTP status it answers with, and whether a person must be signed in to see it
(the role of their token, ``None`` for everyone). Signing in goes through ``/login``: the
person pastes an API token made with `semcat token create`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

#: the languages every page is checked and photographed in (Romanian first: the default)
LANGUAGES = ("ro", "ru", "en")


@dataclass(frozen=True)
class PageType:
    """One type of page: ``name`` is its file name in docs/screens/ (``{name}-{lang}-...``)."""

    name: str
    path: str | Callable[[str], str]
    what: str
    status: int = 200
    #: the role of the token a person signs in with (publisher, reviewer, admin); None: anyone
    role: str | None = None
    #: the institution whose token signs in
    institution: str = "ASP"

    def url(self, hub: str, lang: str) -> str:
        """The page's address on the hub at base URL ``hub``, in ``lang``."""
        path = self.path(hub) if callable(self.path) else self.path
        return f"{hub}{path}{'&' if '?' in path else '?'}lang={lang}"


PAGES: list[PageType] = [
    # the pages of the records, dereferenced at their IRIs (api/pages/routes.py)
    PageType("service", "/id/service/ASP-0001", "a public service's passport (passport.html)"),
    PageType("organisation", "/id/org/asp", "an organisation (resource.html)"),
    PageType("location", "/id/location/costesti-ialoveni", "a one-stop shop (resource.html)"),
    PageType("legal-act", "/eli/lege/2007/131", "a legal act (resource.html)"),
    PageType("missing", "/id/service/NO-SUCH-0000", "an IRI the catalogue does not describe "
             "(missing.html)", status=404),
    # the code lists, as Skosmos shows them (api/pages/codelists.py)
    PageType("codelists", "/codelists", "every code list (codelists.html)"),
    PageType("codelist", "/codelists/life-event", "a code list's hierarchy (codelist.html)"),
    PageType("codelist-az", "/codelists/life-event?view=az", "a code list's A-Z index "
             "(codelist.html)"),
    PageType("concept", "/codelists/life-event/birth", "a concept of a code list "
             "(codelist_concept.html)"),
    # the SPARQL form (api/routes/sparql.py, sparql.html)
    PageType("sparql", "/sparql", "the SPARQL query form (sparql.html)"),
    # Pages being built on other branches; one line each once they are merged, e.g.:
    # PageType("home", "/", "the portal's home page"),
    # PageType("search", "/search?q=somaj", "search results"),
    # PageType("map", "/map", "the map of one-stop shops"),
    # PageType("life-event", "/life-events/birth", "a life event's services"),
    # PageType("authority", "/authorities/ASP", "an authority's services"),
    # PageType("legal", "/legal", "the legal report"),
    # PageType("login", "/login", "signing in"),
    # PageType("my", "/my", "an institution's services", role="publisher"),
    # PageType("review", "/review", "the reviewers' desk", role="reviewer"),
    # PageType("editor", "/my/services/ASP-0001/edit", "the passport editor", role="publisher"),
]


def page_type(name: str) -> PageType:
    return next(p for p in PAGES if p.name == name)


def make_token(data_dir: Path, institution: str, role: str) -> str:
    """A new API token of ``institution`` with ``role``, made with `semcat token create` on the
    hub's data folder (the secret, printed once)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    semcat = Path(sys.executable).parent / "semcat"
    done = subprocess.run([str(semcat), "token", "create", "--institution", institution,
                           "--role", role], env=env | {"SEMCAT_DATA_DIR": str(data_dir)},
                          capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.strip().splitlines()[-1]


def sign_in(page: Page, hub: str, token: str) -> None:
    """Sign ``page``'s browser context in as a person does: the token pasted into /login."""
    page.goto(f"{hub}/login")
    page.fill("input[name=token]", token)
    with page.expect_navigation():
        page.click("form[action^='/login'] button[type=submit]")
