"""``/api/v1/crosswalks``: a provider's codes and the nomenclature's, both ways, and each
adapter's crosswalks as SSSOM TSV (public reads: crosswalks hold no secret)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel

from adapters.crosswalks.catalogue import concepts, look_up, sssom
from adapters.mapping.library import find
from api.deps import CatalogDep
from api.schemas import ERRORS
from catalog.errors import InvalidInput
from catalog.ledger import syncs

router = APIRouter(prefix="/api/v1/crosswalks", tags=["crosswalks"], responses=ERRORS)
_NAME = r"^[a-z0-9][a-z0-9.-]{0,63}$"


class KeysOfCode(BaseModel):
    code: str
    sources: list[dict[str, str]]


class AdapterCrosswalk(BaseModel):
    adapter: str
    key: str | None = None
    code: str | None = None
    keys: list[str] | None = None
    concepts: dict[str, list[dict[str, str]]] | None = None


@router.get("/code/{code}", response_model=KeysOfCode)
async def keys_of_code(catalog: CatalogDep,
                       code: str = Path(..., max_length=64)) -> dict[str, Any]:
    """A nomenclature code -> the providers' keys that were given it."""
    pairs = await run_in_threadpool(syncs.keys_of, catalog.engine, code)
    return {"code": code, "sources": [{"adapter": a, "key": k} for a, k in pairs]}


@router.get("/{name}.sssom.tsv", response_class=Response,
            responses={200: {"content": {"text/tab-separated-values": {}}}})
async def sssom_tsv(catalog: CatalogDep, name: str = Path(..., pattern=_NAME)) -> Response:
    """The adapter's crosswalks and its keys' codes, as SSSOM TSV."""
    text = await run_in_threadpool(
        lambda: sssom(catalog, find(catalog.settings.adapters_dir, name)))
    return Response(text, media_type="text/tab-separated-values; charset=utf-8")


@router.get("/{name}", response_model=AdapterCrosswalk, response_model_exclude_none=True)
async def adapter_crosswalk(catalog: CatalogDep, name: str = Path(..., pattern=_NAME),
                            key: str | None = Query(None, max_length=512,
                                                    description="A provider's key -> code"),
                            code: str | None = Query(None, max_length=64,
                                                     description="A code -> the keys")
                            ) -> dict[str, Any]:
    """One provider key's nomenclature code (`?key=`), a code's keys (`?code=`), or the
    adapter's concept crosswalks (neither)."""
    if key is not None and code is not None:
        raise InvalidInput.of("adapter.not_text", field="key", value="key and code",
                              expected="key or code, not both")

    def go() -> dict[str, Any]:
        spec = find(catalog.settings.adapters_dir, name)
        if key is None and code is None:
            return {"adapter": spec.name, "concepts": concepts(spec, catalog.settings.base_uri)}
        return look_up(catalog, spec, key=key, code=code)

    return await run_in_threadpool(go)
