"""A harvest made an asset: the definition read into elements, the asset record built from it
(and from the asset's latest version, when there is one), the element diff against that
version, and the new draft version written through the one write path with its files.

Nothing is stored when the definition is refused (unsafe, malformed, too large): the files go
into the ledger in the same transaction as the version that lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlmodel import Session

from adapters.definitions.bundle import Bundle
from adapters.definitions.harvest import bundle_of, harvest
from catalog import rdfio
from catalog.core import Catalog
from catalog.errors import InvalidInput, NotFound
from catalog.intake.checks import check_record
from catalog.ledger.files import AssetFile, digest
from catalog.records.asset import ASSET_TYPE, Asset, Distribution, normalised
from catalog.records.elements import Definition, ElementChange, diff_elements
from catalog.records.split import RecordDraft
from catalog.workflow.access import Principal
from catalog.workflow.publishing import Publishing
from catalog.workflow.states import VersionState

_MEDIA = {".wsdl": "application/wsdl+xml", ".xsd": "application/xml",
          ".xml": "application/xml", ".json": "application/json",
          ".yaml": "application/yaml", ".yml": "application/yaml"}
_UNOWNED = "urn:semcat:publisher-not-given"  # a dry run at the command line
_TYPES = {"wsdl": "ServiceDescription", "openapi": "ServiceDescription", "xsd": "Schema",
          "jsonschema": "Schema"}


def media_type(name: str) -> str:
    lowered = name.lower()
    return next((m for suffix, m in _MEDIA.items() if lowered.endswith(suffix)),
                "application/octet-stream")


@dataclass
class Harvested:
    """What one harvest read and, unless a dry run, wrote."""

    asset: Asset
    definition: Definition
    changes: list[ElementChange] = field(default_factory=list)
    previous: int | None = None  # the version the changes are counted from
    state: VersionState | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.asset.code, "format": self.definition.format,
            "main": self.definition.main,
            "operations": [o.model_dump(exclude_none=True) for o in self.asset.operations],
            "elements": [e.model_dump(exclude_none=True) for e in self.asset.elements],
            "files": [d.model_dump(exclude_none=True) for d in self.asset.distributions]}
        if self.previous is not None:
            out["changes_from_version"] = self.previous
            out["changes"] = [c.model_dump(exclude_none=True) for c in self.changes]
            out["breaking"] = any(c.breaking for c in self.changes)
        if self.state is not None:
            out |= {"iri": self.state.iri, "version": self.state.number,
                    "status": self.state.status}
        return out


def _files(bundle: Bundle, base: str, code: str) -> tuple[list[Distribution],
                                                         list[tuple[bytes, str]]]:
    dists, blobs = [], []
    for name in sorted(bundle.files):
        if name.startswith("_mapped/"):
            continue  # the X-Road schemas the hub ships
        data = bundle.files[name]
        media = media_type(name)
        dists.append(Distribution(
            name=name, media_type=media, byte_size=len(data), sha256=digest(data),
            download_url=f"{base}api/v1/assets/{quote(code)}/files/{quote(name)}"))
        blobs.append((data, media))
    return dists, blobs


def _latest(catalog: Catalog, pub: Publishing, code: str) -> tuple[VersionState | None,
                                                                  Asset | None]:
    try:
        state = pub.state(code)
    except NotFound:
        return None, None
    content = catalog.ledger.version(state.iri, state.number).content
    assert pub.kind.mapping is not None
    asset: Asset = pub.kind.mapping.from_triples(rdfio.parse_canonical(content), state.iri)
    return state, asset


def harvest_asset(catalog: Catalog, principal: Principal, files: Mapping[str, bytes], *,
                  code: str, title: Mapping[str, str] | None = None,
                  asset_type: str | None = None, version_info: str | None = None,
                  publisher: str | None = None, if_match: str | None = None,
                  dry_run: bool = False, reason: str | None = None) -> Harvested:
    """Read ``files`` (a definition, or one zip bundle) into the asset ``code``: a new asset
    (its first draft) or a new draft version of it."""
    kind = catalog.kinds["asset"]
    kind.check_code(code)
    bundle = bundle_of(files)
    definition = harvest(bundle, what=", ".join(files)[:200])
    pub = Publishing(catalog, kind)
    current, before = _latest(catalog, pub, code)
    base = catalog.settings.base_uri
    dists, blobs = _files(bundle, base, code)
    owner = publisher or (before.publisher if before else None) or principal.institution_iri \
        or (_UNOWNED if dry_run else None)
    if not owner:
        raise InvalidInput.of("assets.bad_definition", field="publisher", value=code,
                              reason="no publisher: name the institution that owns the asset")
    kept = before.model_dump() if before else {}
    names = dict(title or {}) or kept.get("title") or {"ro": definition.main, "en": definition.main}
    asset = normalised(Asset.model_validate({
        **kept, "code": code, "title": names, "publisher": owner,
        "type": (ASSET_TYPE + asset_type) if asset_type else kept.get(
            "type", ASSET_TYPE + _TYPES[definition.format]),
        "version_info": version_info or kept.get("version_info"),
        "distributions": dists, "operations": definition.operations,
        "elements": definition.elements}))
    result = Harvested(asset, definition)
    if before is not None and current is not None:
        result.previous = current.number
        result.changes = diff_elements(before.elements, asset.elements, before.operations,
                                       asset.operations)
    if dry_run:
        return result
    iri = kind.iri(base, code)
    assert kind.mapping is not None
    draft = RecordDraft(iri, kind.name, kind.mapping.to_triples(asset, iri), declared=kind)
    check_record(draft, catalog.settings)

    def store_files(session: Session, _state: VersionState) -> None:
        for data, media in blobs:
            sha = digest(data)
            if session.get(AssetFile, sha) is None:
                session.add(AssetFile(sha256=sha, media_type=media, byte_size=len(data),
                                      content=data))
        session.flush()

    if current is None:
        result.state = pub.create(principal, draft, reason=reason, on_commit=store_files)
    else:
        result.state = pub.replace(principal, code, draft, if_match or current.etag,
                                   reason=reason, on_commit=store_files)
    return result
