"""API models of answers: what each route declares as its ``response_model``.

The tables live in catalog/ledger/ and catalog/workflow/, the RDF in
catalog/records/passport.py; these are the shapes clients read, with field descriptions shown in
the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class LangText(BaseModel):
    en: str
    ro: str
    ru: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable error code, e.g. `invalid_record`.")
    message: LangText
    field: str | None = None
    value: Any = None
    expected: str | None = None
    link: str | None = None
    line: int | None = None
    column: int | None = None
    report: dict[str, Any] | None = None


class ErrorBody(ErrorDetail):
    """Every error answer: an RFC 9457 problem document (``application/problem+json``) whose
    extension members are the error's details, with the v1 ``error`` object kept inside."""

    type: str = Field(description="`urn:semcat:problem:{code}`")
    title: str = Field(description="Short English title of the code.")
    status: int
    detail: str = Field(description="The English message.")
    request_id: str | None = Field(None, description="5xx only: the id in the server's log "
                                   "(also the X-Request-ID header).")
    error: ErrorDetail = Field(description="The v1 error object (kept for its clients).")


class VersionStateOut(BaseModel):
    code: str
    iri: str
    version: int = Field(description="Number of the latest version.")
    status: str = Field(description="draft, submitted, published, withdrawn or superseded.")
    published_version: int | None = Field(description="The version the public reads, if any.")


class VersionInfoOut(BaseModel):
    version: int
    status: str
    hash: str = Field(description="SHA-256 of the version's canonical N-Triples.")
    author: str
    created_at: str
    published_at: str | None
    provenance: dict[str, str] | None = Field(
        None, description="Where a version an adapter wrote came from: `source` "
        "(source:NAME), `run`, `key` (the item's key in the source), `location` (the "
        "registry's address or the file's name), `read_at`; a harvest adds `catalogue`, "
        "`harvested_at`, `original_iri`, `cpsv_ap`. Null for other versions.")


class TransitionOut(BaseModel):
    version: int
    from_: str | None = Field(alias="from")
    to: str
    by: str
    reason: str | None
    at: str


class VersionsOut(BaseModel):
    code: str
    published_version: int | None
    versions: list[VersionInfoOut]
    transitions: list[TransitionOut]


class ValidationOut(BaseModel):
    conforms: bool
    lang: str = Field("ro", description="The language of each finding's `text`.")
    records: list[dict[str, Any]]


class ImportOut(BaseModel):
    mode: str
    publish: bool
    summary: dict[str, int] = Field(description="created, updated, unchanged, rejected.")
    records: list[dict[str, Any]]


class AuditEntryOut(BaseModel):
    id: int
    at: str
    actor: str
    institution: str | None
    role: str | None
    action: str
    target: str | None
    version: int | None
    outcome: str
    detail: dict[str, Any] | None


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next: str | None = Field(description="Cursor of the next page (`?after=`), if any.")


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "content": {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for status in (400, 401, 403, 404, 406, 409, 412, 413, 415, 422, 428, 429, 500, 503)
}
