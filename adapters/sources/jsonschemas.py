"""JSON Schema validation of records, with every ``$ref`` resolved from local files only.

jsonschema 4.26 fetches a remote ``$ref`` by default (measured). Here the ``referencing``
registry holds the source's schema files (each under its ``$id``, or its ``file:`` name) and
the JSON Schema specifications jsonschema ships; its ``retrieve`` refuses everything else, so a
``$ref`` to ``http://...`` or to a file that was not given fails with a clear message and no
request is ever made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable

from catalog.errors import ConfigurationError, InvalidInput

#: largest schema file read
MAX_SCHEMA_BYTES = 2 * 1024 * 1024


def _refuse(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def _load(path: Path) -> Any:
    with path.open("rb") as stream:
        data = stream.read(MAX_SCHEMA_BYTES + 1)
    if len(data) > MAX_SCHEMA_BYTES:
        raise ConfigurationError.of("registry.schema_invalid", value=path.name,
                                    reason=f"larger than {MAX_SCHEMA_BYTES} bytes")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ConfigurationError.of("registry.schema_invalid", value=path.name,
                                    reason=f"not JSON ({type(exc).__name__})") from None


class RecordSchema:
    """Validates records against the schema in ``path``; ``also`` are further local schema
    files its ``$ref`` may name (by ``$id`` or by their file name next to ``path``)."""

    def __init__(self, path: Path, also: Iterable[Path] = ()) -> None:
        self.name = path.name
        schema = _load(path)
        resources = []
        for extra in (path, *also):
            contents = schema if extra == path else _load(extra)
            resource = Resource.from_contents(contents,
                                              default_specification=_draft(schema))
            resources.append((extra.resolve().as_uri(), resource))
            if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
                resources.append((contents["$id"], resource))
        registry: Registry[Any] = Registry(  # type: ignore[call-arg]
            retrieve=_refuse).with_resources(resources)
        cls = validator_for(schema)
        try:
            cls.check_schema(schema)
        except SchemaError as exc:
            raise ConfigurationError.of("registry.schema_invalid", value=path.name,
                                        reason=exc.message[:200]) from None
        if isinstance(schema, dict) and "$id" not in schema:
            schema = {**schema, "$id": path.resolve().as_uri()}
        self._validator = cls(schema, registry=registry)

    def problems(self, key: str, record: Any) -> tuple[InvalidInput, ...]:
        """Why ``record`` does not match (empty when it does); a ``$ref`` that leaves the
        local schemas is a fault of the source's configuration."""
        try:
            errors = sorted(self._validator.iter_errors(record),
                            key=lambda e: list(e.absolute_path))
        except Unresolvable as exc:
            ref = getattr(exc, "ref", None) or str(exc)
            raise ConfigurationError.of("registry.schema_remote_ref",
                                        value=str(ref)[:200]) from None
        return tuple(
            InvalidInput.of("registry.record_schema", field=_pointer(e), value=key[:100],
                            reason=_reason(e))
            for e in errors[:20])


def _draft(schema: Any) -> Any:
    from referencing.jsonschema import DRAFT202012, specification_with

    uri = schema.get("$schema") if isinstance(schema, dict) else None
    return specification_with(uri, default=DRAFT202012) if isinstance(uri, str) \
        else DRAFT202012


def _pointer(error: jsonschema.ValidationError) -> str:
    return "/" + "/".join(str(p) for p in error.absolute_path)


def _reason(error: jsonschema.ValidationError) -> str:
    """The rule broken and what the schema expected: the schema's words, not the record's."""
    expected = json.dumps(error.validator_value, ensure_ascii=False, default=str)
    return f"'{error.validator}' expects {expected[:150]}"
