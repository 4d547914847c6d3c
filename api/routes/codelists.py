"""The code lists as JSON, browsable like Skosmos's REST API: ``/api/v1/codelists/...``.

Thin: :class:`catalog.codelists.CodeLists` reads the versions from the ledger and searches
through the search index. Every read names the version it answers (``version``), and takes
``?version=N`` for an older published one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api import conditional
from api.deps import CatalogDep
from api.routes.search import SearchOut
from api.schemas import ERRORS
from catalog.codelists import CodeLists, Concept, Scheme, SchemeDiff
from catalog.codelists.diff import ConceptRef, Deprecated, Moved, Relabelled
from catalog.errors import InvalidInput
from catalog.projections.search import MAX_LIMIT, MAX_QUERY_CHARS, check_query

router = APIRouter(prefix="/api/v1/codelists", tags=["code lists"], responses=ERRORS)
LANGS = ("ro", "en", "ru")


def codelists(request: Request, catalog: CatalogDep) -> CodeLists:
    """The app's code-list reader (one per catalogue: it keeps parsed versions)."""
    found: CodeLists | None = getattr(request.app.state, "codelists", None)
    if found is None or found.catalog is not catalog:
        found = CodeLists(catalog)
        request.app.state.codelists = found
    return found


CodeListsDep = Annotated[CodeLists, Depends(codelists)]


async def unchanged(request: Request, response: Response, cl: CodeLists) -> Response | None:
    """A 304 when the client's copy is current (the ETag names the ledger's change sequence and
    what was asked), else None with the ETag set on ``response``."""
    mark = await run_in_threadpool(cl.catalog.ledger.last_seq)
    etag = conditional.etag_for(mark, "codelists", request.url.path,
                                sorted(request.query_params.multi_items()))
    if conditional.not_modified(request, etag, None):
        return conditional.answer_304(etag, None)
    response.headers.update(conditional.headers(etag, None))
    return None
VersionQuery = Annotated[int | None, Query(ge=1, le=10**9, description=(
    "A version published at some time (default: the current one)."))]
LangQuery = Annotated[str, Query(pattern="^(ro|en|ru)$", description="ro, en or ru.")]


# --- models ------------------------------------------------------------------------------
class SchemeOut(BaseModel):
    id: str = Field(description="The slug of the scheme, its segment in URLs.")
    iri: str
    title: dict[str, str]
    version: int = Field(description="The ledger version of the code list answered.")
    version_info: str | None = Field(description="The scheme's owl:versionInfo.")
    concepts: int


class VersionOut(BaseModel):
    version: int
    status: str = Field(description="published (current), superseded or withdrawn.")
    version_info: str | None
    published_at: datetime
    concepts: int
    current: bool


class ConceptRefOut(BaseModel):
    id: str | None = Field(description="The concept's segment under the scheme's IRI.")
    iri: str
    label: dict[str, str]


class MappingOut(BaseModel):
    relation: str = Field(description="skos:exactMatch, closeMatch, broadMatch, narrowMatch "
                          "or relatedMatch.")
    target: str


class ConceptOut(ConceptRefOut):
    scheme: str
    version: int
    notation: str | None
    alt_labels: dict[str, list[str]]
    definition: dict[str, str]
    broader: list[ConceptRefOut]
    narrower: list[ConceptRefOut]
    top: bool
    deprecated: bool
    replaced_by: list[str]
    mappings: list[MappingOut]


class NodeOut(ConceptRefOut):
    deprecated: bool
    narrower: list[NodeOut]


class SchemeDetailOut(SchemeOut):
    description: dict[str, str]
    versions: list[VersionOut]
    top_concepts: list[ConceptRefOut]


class LetterOut(BaseModel):
    letter: str
    count: int


class ConceptsOut(BaseModel):
    scheme: str
    version: int
    view: str = Field(description="hierarchy or az.")
    lang: str
    letters: list[LetterOut] = Field(description="A-Z: the letters of the index (az only).")
    letter: str | None
    concepts: list[ConceptRefOut] = Field(description="az: in alphabetical order.")
    tree: list[NodeOut] = Field(description="hierarchy: the top concepts with their "
                                "narrower ones, recursively.")


class RelabelOut(BaseModel):
    lang: str
    old: str | None
    new: str | None


class ChangeOut(ConceptRefOut):
    labels: list[RelabelOut] = []
    replaced_by: list[str] = []
    broader_before: list[str] = []
    broader_after: list[str] = []


class DiffOut(BaseModel):
    scheme: str
    old: int
    new: int
    added: list[ConceptRefOut]
    removed: list[ConceptRefOut]
    deprecated: list[ChangeOut]
    relabelled: list[ChangeOut]
    moved: list[ChangeOut]


# --- mapping to the models -------------------------------------------------------------------
def ref(c: Concept) -> ConceptRefOut:
    return ConceptRefOut(id=c.key, iri=c.iri, label=dict(c.labels))


def _refs(scheme: Scheme, iris: list[str]) -> list[ConceptRefOut]:
    return [ref(scheme.concepts[i]) for i in iris if i in scheme.concepts]


def _tree(scheme: Scheme, lang: str) -> list[NodeOut]:
    def node(c: Concept, seen: frozenset[str]) -> NodeOut:
        kids = [k for k in scheme.sorted(scheme.children(c), lang) if k.iri not in seen]
        return NodeOut(id=c.key, iri=c.iri, label=dict(c.labels), deprecated=c.deprecated,
                       narrower=[node(k, seen | {k.iri}) for k in kids])
    return [node(c, frozenset({c.iri})) for c in scheme.sorted(scheme.top, lang)]


def concept_out(slug: str, number: int, scheme: Scheme, c: Concept) -> ConceptOut:
    return ConceptOut(
        id=c.key, iri=c.iri, label=dict(c.labels), scheme=slug, version=number,
        notation=c.notation, alt_labels={k: list(v) for k, v in c.alt_labels.items()},
        definition=dict(c.definitions), broader=_refs(scheme, c.broader),
        narrower=_refs(scheme, c.narrower), top=c.stated_top or not c.broader,
        deprecated=c.deprecated, replaced_by=list(c.replaced_by),
        mappings=[MappingOut(relation=m.relation, target=m.target) for m in c.mappings])


def diff_out(slug: str, old: int, new: int, d: SchemeDiff) -> DiffOut:
    def r(x: ConceptRef | Deprecated | Relabelled | Moved) -> ConceptRefOut:
        c = x if isinstance(x, ConceptRef) else x.concept
        return ConceptRefOut(id=c.key, iri=c.iri, label=dict(c.labels))

    return DiffOut(
        scheme=slug, old=old, new=new, added=[r(c) for c in d.added],
        removed=[r(c) for c in d.removed],
        deprecated=[ChangeOut(**r(x).model_dump(), replaced_by=list(x.replaced_by))
                    for x in d.deprecated],
        relabelled=[ChangeOut(**r(x).model_dump(), labels=[
            RelabelOut(lang=k, old=a, new=b) for k, (a, b) in x.labels.items()])
            for x in d.relabelled],
        moved=[ChangeOut(**r(x).model_dump(), broader_before=list(x.broader_before),
                         broader_after=list(x.broader_after)) for x in d.moved])


# --- routes ------------------------------------------------------------------------------------
@router.get("", response_model=list[SchemeOut])
async def list_schemes(request: Request, response: Response,
                       cl: CodeListsDep) -> list[SchemeOut] | Response:
    """Every published code list."""
    if (same := await unchanged(request, response, cl)) is not None:
        return same
    found = await run_in_threadpool(cl.schemes)
    return [SchemeOut(id=s.slug, iri=s.iri, title=s.titles, version=s.version,
                      version_info=s.version_info, concepts=s.concepts) for s in found]


@router.get("/{scheme}", response_model=SchemeDetailOut)
async def get_scheme(request: Request, response: Response, scheme: str, cl: CodeListsDep,
                     version: VersionQuery = None,
                     lang: LangQuery = "ro") -> SchemeDetailOut | Response:
    """A code list: its titles, its versions and its top concepts."""
    if (same := await unchanged(request, response, cl)) is not None:
        return same
    def read() -> SchemeDetailOut:
        found, number = cl.scheme(scheme, version)
        versions = cl.versions(scheme)
        return SchemeDetailOut(
            id=scheme, iri=found.iri, title=found.titles, version=number,
            version_info=found.version_info, concepts=len(found.concepts),
            description=found.descriptions,
            versions=[VersionOut(version=v.number, status=v.status, version_info=v.version_info,
                                 published_at=v.published_at, concepts=v.concepts,
                                 current=v.current) for v in versions],
            top_concepts=[ref(c) for c in found.sorted(found.top, lang)])
    return await run_in_threadpool(read)


@router.get("/{scheme}/concepts", response_model=ConceptsOut)
async def list_concepts(
        request: Request, response: Response, scheme: str, cl: CodeListsDep,
        version: VersionQuery = None, lang: LangQuery = "ro",
        view: Annotated[str, Query(description="hierarchy (the tree from the top concepts) "
                                   "or az (alphabetical, by letter).")] = "hierarchy",
        letter: Annotated[str | None, Query(max_length=8, description=(
            "az: only the concepts under this letter (# for digits and signs)."))] = None,
) -> ConceptsOut | Response:
    """The concepts of a code list by hierarchy or A-Z."""
    if view not in ("hierarchy", "az"):
        raise InvalidInput.of("codelists.bad_view", field="view", value=view[:32],
                              expected="hierarchy, az")
    if (same := await unchanged(request, response, cl)) is not None:
        return same

    def read() -> ConceptsOut:
        found, number = cl.scheme(scheme, version)
        if view == "hierarchy":
            return ConceptsOut(scheme=scheme, version=number, view=view, lang=lang, letters=[],
                               letter=None, concepts=[], tree=_tree(found, lang))
        listed = cl.by_letter(found, lang, letter)
        return ConceptsOut(scheme=scheme, version=number, view=view, lang=lang,
                           letters=[LetterOut(letter=x.letter, count=x.count)
                                    for x in cl.letters(found, lang)],
                           letter=letter, concepts=[ref(c) for c in listed], tree=[])
    return await run_in_threadpool(read)


@router.get("/{scheme}/search", response_model=SearchOut)
async def search_concepts(
        scheme: str, cl: CodeListsDep,
        q: Annotated[str, Query(description=f"Words to find (at most {MAX_QUERY_CHARS} "
                                "characters) in labels, definitions and notations; case, "
                                "diacritics and ş/ș ţ/ț are folded.")] = "",
        lang: Annotated[str | None, Query(description="Only texts in ro, en or ru.")] = None,
        limit: Annotated[int, Query(description=f"Concepts per page, 1 to {MAX_LIMIT}.")] = 20,
        cursor: str | None = None) -> SearchOut:
    """The concepts of a code list's current version matching every word."""
    text = check_query(q)
    page = await run_in_threadpool(
        lambda: cl.search(scheme, text, lang=lang, limit=limit, cursor=cursor))
    return SearchOut.of(page)


@router.get("/{scheme}/diff", response_model=DiffOut)
async def diff_versions(
        scheme: str, cl: CodeListsDep,
        old: Annotated[int, Query(alias="from", ge=1, le=10**9, description="The older version.")],
        new: Annotated[int, Query(alias="to", ge=1, le=10**9, description="The newer version.")],
) -> DiffOut:
    """What changed between two published versions: concepts added, removed, deprecated,
    relabelled, moved."""
    found = await run_in_threadpool(cl.diff, scheme, old, new)
    return diff_out(scheme, old, new, found)


@router.get("/{scheme}/concepts/{concept}", response_model=ConceptOut)
async def get_concept(request: Request, response: Response, scheme: str, concept: str,
                      cl: CodeListsDep, version: VersionQuery = None) -> ConceptOut | Response:
    """A concept: its labels in ro/en/ru, definition, broader and narrower concepts,
    deprecation and mappings."""
    if (same := await unchanged(request, response, cl)) is not None:
        return same
    def read() -> ConceptOut:
        found, number, c = cl.concept(scheme, concept, version)
        return concept_out(scheme, number, found, c)
    return await run_in_threadpool(read)
