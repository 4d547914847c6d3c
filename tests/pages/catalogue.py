"""Every type of page the hub shows, in one list: the accessibility sweep
(tests/pages/test_accessibility.py), the screenshots (`make screens`, tools/screens.py) and the
page benchmark (bench/pages.py) all walk it. A new page is one line in ``PAGES``.

A page type names one page of the demo hub (`semcat serve` with SEMCAT_LOAD_DEMO=true, after
``prepare``: one change of ASP-0003 awaiting review) that stands for all the pages of its
template: its path, the HTTP status it answers with, and whether a person must be signed in to
see it (the role of their token, ``None`` for everyone). Signing in goes through ``/login`` as
in tests/pages/institutions.py: the person pastes an API token made with `semcat token create`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.pages.institutions import Hub

#: the languages every page is checked and photographed in (Romanian first: the default)
LANGUAGES = ("ro", "ru", "en")
#: the passport whose change awaits review on a prepared hub (its history has two versions)
CHANGED = "ASP-0003"
#: the institution of the reviewers (the e-Government Agency of the demo data)
REVIEWERS = "AGE"


@dataclass(frozen=True)
class PageType:
    """One type of page: ``name`` is its file name in docs/screens/ (``{name}-{lang}-...``)."""

    name: str
    path: str
    what: str
    status: int = 200
    #: the role of the token a person signs in with (publisher, reviewer, admin); None: anyone
    role: str | None = None
    #: the institution whose token signs in
    institution: str = "ASP"

    def url(self, hub: str, lang: str) -> str:
        """The page's address on the hub at base URL ``hub``, in ``lang``."""
        return f"{hub}{self.path}{'&' if '?' in self.path else '?'}lang={lang}"


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
    PageType("codelist-diff", "/codelists/life-event/diff/1/1", "what changed between two "
             "versions of a code list; the demo's lists have one version (codelist_diff.html)"),
    # the SPARQL form (api/routes/sparql.py, sparql.html)
    PageType("sparql", "/sparql", "the SPARQL query form (sparql.html)"),
    # the portal (api/pages/portal.py, map_page.py)
    PageType("home", "/", "the portal's home page (home.html)"),
    PageType("search", "/search?q=somaj", "search results (search.html)"),
    PageType("life-event", "/life-events/unemployment", "a life event's services "
             "(services.html)"),
    PageType("business-event", "/business-events/start", "a business event's services "
             "(services.html)"),
    PageType("authority", "/authorities/ANOFM", "an authority's services (services.html)"),
    PageType("map", "/map", "the map of the one-stop shops (map.html)"),
    # for integrators (api/pages/legal.py, docs.py, assets.py)
    PageType("legal", "/legal", "the legal report (legal.html)"),
    PageType("docs", "/docs", "the API documentation, Swagger UI (docs.html)"),
    PageType("asset", "/id/asset/asp-rsp-person-wsdl", "a semantic asset (asset.html)"),
    PageType("data-service", "/id/data-service/ASP-rsp-person", "a data service "
             "(dataservice.html)"),
    # the institutions' pages (api/pages/login.py, my.py, editor.py, review.py)
    PageType("login", "/login", "signing in (login.html)"),
    PageType("my", "/my", "an institution's services (my.html)", role="publisher"),
    PageType("history", f"/my/services/{CHANGED}/history", "a passport's versions "
             "(history.html)", role="publisher"),
    PageType("diff", f"/my/services/{CHANGED}/diff?from=1&to=2", "what changed between two "
             "versions (diff.html)", role="publisher"),
    PageType("editor-new", "/my/services/new", "the passport editor, a new service "
             "(editor.html)", role="publisher"),
    PageType("editor", "/my/services/ASP-0001/edit", "the passport editor (editor.html)",
             role="publisher"),
    PageType("review", "/review", "the reviewers' desk (review.html)", role="reviewer",
             institution=REVIEWERS),
    PageType("review-item", f"/review/services/{CHANGED}", "a change awaiting review "
             "(review_item.html)", role="reviewer", institution=REVIEWERS),
]


def page_type(name: str) -> PageType:
    return next(p for p in PAGES if p.name == name)


def prepare(hub: Hub) -> None:
    """What the pages of the desk need on a fresh demo hub: a change of ``CHANGED`` by its
    institution, submitted for review."""
    hub.submit_change(hub.token("ASP"), CHANGED, "Titlu propus, în așteptarea verificării")
