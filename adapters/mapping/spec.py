"""A mapping file read, checked against the published JSON Schema, and typed.

A mapping is YAML (a safe subset: no tags, no anchors that expand into huge documents, a size
cap) validated by :data:`SCHEMA` (``mapping.schema.json``, served at
``GET /api/v1/schema/mapping.json``). Errors name the path in the mapping (``fields.title.nl``)
and what was expected. Crosswalk files are read here too, so that a mapping that loads is
complete.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from catalog.errors import InvalidInput, TooLarge

SCHEMA_PATH = Path(__file__).with_name("mapping.schema.json")
#: a mapping file's cap
MAX_MAPPING_BYTES = 1024 * 1024
#: a crosswalk file's cap
MAX_CROSSWALK_BYTES = 16 * 1024 * 1024
SOURCE_TYPES = ("file", "rest", "soap", "rdf")
_DURATION = re.compile(r"(\d+)([DHMS])")
_SECONDS = {"D": 86400, "H": 3600, "M": 60, "S": 1}


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of mappings (the document the hub publishes)."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


@dataclass(frozen=True)
class Match:
    """One crosswalk entry: a provider's code -> a concept IRI or a nomenclature code."""

    target: str
    match: str = "exact"
    label: str | None = None


@dataclass(frozen=True)
class Crosswalk:
    name: str
    provider_scheme: str
    target: str  # concept | code
    match: str
    entries: Mapping[str, Match]


@dataclass(frozen=True)
class RecordSpec:
    key: Any
    iterator: str | None = None
    group: bool = False
    skip: tuple[Mapping[str, Any], ...] = ()
    namespaces: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MappingSpec:
    """A checked mapping (see the JSON Schema for the meaning of each part)."""

    name: str
    institution: str
    kind: str
    source: Mapping[str, Any]
    record: RecordSpec
    fields: Mapping[str, Any]
    crosswalks: Mapping[str, Crosswalk]
    base_dir: Path
    digest: str
    title: str = ""
    schedule_s: float | None = None
    default_language: str | None = None
    language_map: Mapping[str, str] = field(default_factory=dict)

    @property
    def source_type(self) -> str:
        return str(self.source["type"])

    def path(self, relative: str) -> Path:
        """A path the mapping names, relative to its file."""
        return (self.base_dir / relative).resolve()


def _invalid(where: str, reason: str, value: Any = None) -> InvalidInput:
    return InvalidInput.of("adapter.mapping_invalid", field=where or "(top)",
                           value=None if value is None else str(value)[:200],
                           reason=reason[:400])


def _path(parts: Any) -> str:
    return ".".join(str(p) for p in parts)


def _reason(error: ValidationError) -> str:
    """What was expected, never the value itself (a mistaken mapping may hold a secret)."""
    v, expected = error.validator, error.validator_value
    if v == "enum":
        return "expected one of " + ", ".join(map(str, expected))
    if v == "const":
        return f"expected {expected!r}"
    if v == "pattern":
        return f"expected text matching {expected}"
    if v == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join({"object": "an object", "array": "a list", "string": "a text",
                             "integer": "an integer", "number": "a number",
                             "boolean": "true or false"}.get(n, n) for n in names)
        about = error.schema.get("description")
        return f"expected {words}" + (f" ({about})" if about else "")
    if v in ("required", "additionalProperties", "minProperties", "maxProperties",
             "propertyNames"):
        return str(error.message)
    if v in ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems",
             "exclusiveMinimum"):
        return f"{v} is {expected}"
    if v in ("oneOf", "anyOf"):
        return "expected " + str(error.schema.get("description") or
                                 "one of the forms the schema describes")
    if v == "not":
        return "this combination of keys is not allowed"
    return f"breaks the schema's {v!r} rule"


def seconds_of(duration: str) -> float:
    return float(sum(int(n) * _SECONDS[u] for n, u in _DURATION.findall(duration)))


def parse(data: bytes, origin: str, base_dir: Path) -> MappingSpec:
    """The mapping in ``data`` (YAML or JSON) read from ``origin``; paths it names are relative
    to ``base_dir``."""
    if len(data) > MAX_MAPPING_BYTES:
        raise TooLarge.of("adapter.mapping_too_large", value=origin, limit=MAX_MAPPING_BYTES)
    try:
        doc = yaml.safe_load(io.BytesIO(data))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        reason = str(getattr(exc, "problem", None) or "not YAML")
        raise InvalidInput.of("adapter.mapping_yaml", value=origin, reason=reason, line=line,
                              column=column) from exc
    if not isinstance(doc, dict):
        raise _invalid("(top)", "a mapping is an object with semcat_mapping, name, "
                       "institution, source, record and fields")
    source = doc.get("source")
    if isinstance(source, dict) and source.get("type") in SOURCE_TYPES:
        # the source's own schema first: "not valid under any of the given schemas" helps nobody
        sub = _validator().evolve(schema={"$defs": schema()["$defs"],
                                          "$ref": f"#/$defs/{source['type']}_source"})
        error = best_match(sub.iter_errors(source))
        if error is not None:
            raise _invalid(_path(["source", *error.absolute_path]), _reason(error))
    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        raise _invalid(_path(error.absolute_path), _reason(error))
    return _typed(doc, base_dir, hashlib.sha256(data).hexdigest())


def load(path: Path) -> MappingSpec:
    """The mapping file at ``path``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput.of("adapter.source_missing", value=str(path)) from exc
    if size > MAX_MAPPING_BYTES:
        raise TooLarge.of("adapter.mapping_too_large", value=path.name, limit=MAX_MAPPING_BYTES)
    return parse(path.read_bytes(), path.name, path.resolve().parent)


def _typed(doc: dict[str, Any], base_dir: Path, digest: str) -> MappingSpec:
    rec = doc.get("record") or {"key": None}
    record = RecordSpec(key=rec["key"], iterator=rec.get("iterator"),
                        group=bool(rec.get("group", False)), skip=tuple(rec.get("skip", ())),
                        namespaces=dict(rec.get("namespaces", {})))
    crosswalks = {name: _crosswalk(name, cw, base_dir)
                  for name, cw in (doc.get("crosswalks") or {}).items()}
    _check_crosswalk_names(doc.get("fields") or {}, crosswalks, "fields")
    languages = doc.get("languages") or {}
    schedule = doc.get("schedule")
    return MappingSpec(
        name=doc["name"], institution=doc["institution"], kind=doc.get("kind", "service"),
        source=doc["source"], record=record, fields=doc.get("fields") or {},
        crosswalks=crosswalks,
        base_dir=base_dir, digest=digest, title=doc.get("title", ""),
        schedule_s=seconds_of(schedule["every"]) if schedule else None,
        default_language=languages.get("default"), language_map=languages.get("map", {}))


def _check_crosswalk_names(fields: Mapping[str, Any], crosswalks: Mapping[str, Crosswalk],
                           where: str) -> None:
    for name, target in fields.items():
        here = f"{where}.{name}"
        if isinstance(target, list):
            _check_crosswalk_names({f"{name}.{n}": t for n, t in enumerate(target)},
                                   crosswalks, where)
            continue
        if not isinstance(target, dict):
            continue
        if "crosswalk" in target and target["crosswalk"] not in crosswalks:
            raise InvalidInput.of("adapter.unknown_crosswalk", field=here + ".crosswalk",
                                  value=target["crosswalk"],
                                  expected=", ".join(sorted(crosswalks)) or "none")
        if "each" in target:
            _check_crosswalk_names(target["fields"], crosswalks, here + ".fields")
        elif not {"reference", "template", "constant", "mint"} & target.keys():
            _check_crosswalk_names(target, crosswalks, here)


def _crosswalk(name: str, cw: Mapping[str, Any], base_dir: Path) -> Crosswalk:
    default = cw.get("match", "exact")
    entries: dict[str, Match] = {}
    if "file" in cw:
        entries.update(_crosswalk_file((base_dir / cw["file"]).resolve(), default,
                                       cw.get("columns")))
    for code, entry in (cw.get("entries") or {}).items():
        entries[str(code)] = Match(entry, default) if isinstance(entry, str) else \
            Match(entry["target"], entry.get("match", default), entry.get("label"))
    return Crosswalk(name, cw["provider_scheme"], cw.get("target", "concept"), default, entries)


def _crosswalk_file(path: Path, default: str, columns: Mapping[str, str] | None
                    ) -> dict[str, Match]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InvalidInput.of("adapter.source_missing", value=path.name) from exc
    if size > MAX_CROSSWALK_BYTES:
        raise TooLarge.of("adapter.source_too_large", value=path.name,
                          limit=MAX_CROSSWALK_BYTES)
    out: dict[str, Match] = {}
    text = path.read_text(encoding="utf-8-sig")
    if columns is not None:
        return _crosswalk_columns(path, text, default, columns)
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (n == 1 and row[0].strip().lower() in ("provider_code", "code")):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InvalidInput.of("crosswalk.bad_file", value=path.name, line=n,
                                  reason="expected provider_code,target[,match]")
        match = row[2].strip() if len(row) > 2 and row[2].strip() else default
        if match not in ("exact", "close", "broad", "narrow", "related"):
            raise InvalidInput.of("crosswalk.bad_file", value=path.name, line=n,
                                  reason=f"match {match!r} is not exact, close, broad, "
                                         "narrow or related")
        out[row[0].strip()] = Match(row[1].strip(), match)
    return out


def _crosswalk_columns(path: Path, text: str, default: str, columns: Mapping[str, str]
                       ) -> dict[str, Match]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns.values() if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput.of("crosswalk.bad_file", value=path.name, line=1,
                              reason=f"no column {missing[0]!r} in the header")
    out: dict[str, Match] = {}
    for n, row in enumerate(reader, start=2):
        code, target = (row.get(columns["code"]) or "").strip(), \
            (row.get(columns["target"]) or "").strip()
        if not code or not target:
            raise InvalidInput.of("crosswalk.bad_file", value=path.name, line=n,
                                  reason=f"{columns['code']} and {columns['target']} are "
                                         "required")
        match = (row.get(columns.get("match", "")) or "").strip() or default
        label = (row.get(columns.get("label", "")) or "").strip() or None
        out[code] = Match(target, match, label)
    return out
