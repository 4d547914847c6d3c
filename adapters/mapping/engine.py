"""A source's item (or a group of items sharing a key) + the mapping -> the plain JSON of one
record, or the reasons it cannot be one.

Every problem of a record is collected (not only the first), each naming the mapped field, the
value the source gave and what was expected, so a rejection in a run report reads as a list
of the source's defects. Value maps and crosswalks turn a provider's codes into the
catalogue's; ``mint`` gives a record without a code of its own a nomenclature code, kept for
its key from then on (:class:`Minter`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from adapters.mapping.expressions import References, language_of
from adapters.mapping.spec import MappingSpec
from catalog.errors import CatalogError, InvalidInput

_VALUE_KEYS = frozenset({"reference", "template", "constant", "mint"})


class Minter(Protocol):
    """Nomenclature codes of the records a source gives without one."""

    def code_for(self, key: str, prefix: str, digits: int) -> str:
        """The code of ``key``: the one it was given before, else a new one."""
        ...


@dataclass
class MappedRecord:
    key: str
    data: dict[str, Any] | None
    problems: list[CatalogError] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        code = (self.data or {}).get("code")
        return code if isinstance(code, str) else None


class _Problems(list[CatalogError]):
    pass


@dataclass(frozen=True)
class _Mint:
    """A code to mint once the record is known to map."""

    prefix: str
    digits: int


def is_value(target: Any) -> bool:
    return isinstance(target, str) or (isinstance(target, dict)
                                       and bool(_VALUE_KEYS & target.keys()))


class RecordMapper:
    """Maps the items of one source with one mapping."""

    def __init__(self, spec: MappingSpec, *, defaults: Mapping[str, Any] | None = None,
                 minter: Minter | None = None, base_uri: str = "") -> None:
        self.spec = spec
        self.base_uri = base_uri
        self.refs = References(language_of(spec.source), spec.record.namespaces)
        self.defaults = dict(defaults or {})
        self.minter = minter
        self._check(spec.fields, "fields")
        if is_value(spec.record.key):
            self._check({"key": spec.record.key}, "record")

    # checking the expressions once -----------------------------------------------------
    def _check(self, fields: Mapping[str, Any], where: str) -> None:
        for name, target in fields.items():
            here = f"{where}.{name}"
            if isinstance(target, list):
                self._check({str(n): t for n, t in enumerate(target)}, here)
            elif isinstance(target, str):
                self.refs.check(target, here)
            elif isinstance(target, dict) and "each" in target:
                self.refs.check(target["each"], here + ".each")
                self._check(target["fields"], here + ".fields")
            elif is_value(target):
                if "reference" in target:
                    self.refs.check(target["reference"], here + ".reference")
                for ref in self.refs.template_refs(target.get("template", "")):
                    self.refs.check(ref, here + ".template")
            elif isinstance(target, dict):
                self._check(target, here)

    # keys -----------------------------------------------------------------------------
    def key_of(self, data: Any) -> str | None:
        vals = self._raw(self.spec.record.key, [data])
        return str(vals[0]) if vals else None

    def skipped(self, data: Any) -> bool:
        for cond in self.spec.record.skip:
            vals = [v for v in self.refs.values(cond["reference"], data) if v not in (None, "")]
            if "equals" in cond and any(str(v) == cond["equals"] for v in vals):
                return True
            if cond.get("empty") is True and not vals:
                return True
        return False

    # mapping ----------------------------------------------------------------------------
    def map(self, key: str, items: Sequence[Any]) -> MappedRecord:
        """The record of ``items`` (one item, or the group of items with this key)."""
        problems = _Problems()
        data = self._fields(self.spec.fields, items, "", problems, key)
        for name, value in self.defaults.items():
            data.setdefault(name, value)
        if problems:
            return MappedRecord(key, None, list(problems))
        for name, value in data.items():  # codes are minted for records that map only
            if isinstance(value, _Mint):
                data[name] = self.minter.code_for(key, value.prefix, value.digits) \
                    if self.minter is not None else None
        return MappedRecord(key, data, [])

    def _fields(self, fields: Mapping[str, Any], items: Sequence[Any], where: str,
                problems: _Problems, key: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, target in fields.items():
            here = f"{where}.{name}" if where else name
            if is_value(target):
                value = self._value(target, items, here, problems, key)
            elif isinstance(target, list):  # several values, one list
                value = []
                for n, part in enumerate(target):
                    got = self._value(part, items, f"{here}[{n}]", problems, key)
                    value += got if isinstance(got, list) else [] if got is None else [got]
                value = list(dict.fromkeys(value)) or None
            elif "each" in target:
                value = [self._fields(target["fields"], [part], here, problems, key)
                         for item in items for part in self.refs.iterate(target["each"], item)]
                value = [v for v in value if v] or None
            else:  # an object of fields: a text by language, a nested object
                value = self._fields(target, items, here, problems, key) or None
                if value is not None and self.spec.language_map:
                    value = {self.spec.language_map.get(k, k): v for k, v in value.items()}
            if value is not None:
                out[name] = value
        return out

    def _raw(self, target: Any, items: Sequence[Any]) -> list[Any]:
        spec = {"reference": target} if isinstance(target, str) else target
        found: list[Any] = []
        for item in items:
            if "reference" in spec:
                found += self.refs.values(spec["reference"], item)
            elif "template" in spec:
                found.append(self.refs.template(spec["template"], item))
            elif "constant" in spec:
                found.append(spec["constant"])
        if spec.get("list") or "split" in spec:
            found = [x for v in found for x in (v if isinstance(v, list) else [v])]
        out: list[Any] = []
        for v in found:
            if isinstance(v, str):
                v = v.strip()
            if v in (None, "", [], {}) or v in out:
                continue
            out.append(v)
        return out

    def _value(self, target: Any, items: Sequence[Any], where: str, problems: _Problems,
               key: str) -> Any:
        spec: dict[str, Any] = {"reference": target} if isinstance(target, str) else target
        if "mint" in spec:
            return _Mint(spec["mint"]["prefix"], int(spec["mint"].get("digits", 4)))
        values = self._raw(spec, items)
        for bad in spec.get("reject_if", ()):
            if any(str(v) == bad["equals"] for v in values):
                problems.append(InvalidInput.of("adapter.known_defect", field=where,
                                                value=bad["equals"], reason=bad["reason"]))
                return None
        if "split" in spec:
            values = [p.strip() for v in values for p in str(v).split(spec["split"])
                      if p.strip()]
        values = self._translate(spec, values, where, problems)
        if "languages" in spec:
            values = [{spec["languages"].get(k, k): t for k, t in v.items()}
                      if isinstance(v, dict) else v for v in values]
        values = list(dict.fromkeys(values)) if all(
            isinstance(v, (str, int, float, bool)) for v in values) else values
        values = [v.replace("{$base}", self.base_uri) if isinstance(v, str) else v
                  for v in values]
        if "join" in spec and values:
            values = [spec["join"].join(str(v) for v in values)]
        if spec.get("list"):
            result: Any = values or None
        elif len(values) > 1:
            problems.append(InvalidInput.of("adapter.group_disagrees", field=where,
                                            value=values[0], other=values[1]))
            return None
        else:
            result = values[0] if values else None
        if result is None and self._required(spec, items):
            expected = spec.get("reference") or spec.get("template") or "a value"
            problems.append(
                InvalidInput.of("adapter.required_because", field=where, reason=spec["reason"],
                                expected=f"from {expected}") if "reason" in spec else
                InvalidInput.of("adapter.required", field=where, expected=f"from {expected}"))
        if result is not None and "language" in spec:
            result = {spec["language"]: result}
        return result

    def _required(self, spec: Mapping[str, Any], items: Sequence[Any]) -> bool:
        if spec.get("required"):
            return True
        when = spec.get("required_when")
        return when is not None and any(
            str(v).strip() == when["equals"]
            for item in items for v in self.refs.values(when["reference"], item))

    def _translate(self, spec: Mapping[str, Any], values: list[Any], where: str,
                   problems: _Problems) -> list[Any]:
        if "map" in spec:
            values = self._look_up(spec, spec["map"], "the value map", values, where,
                                   problems)
        if "crosswalk" in spec:
            cw = self.spec.crosswalks[spec["crosswalk"]]
            values = self._look_up(spec, {code: m.target for code, m in cw.entries.items()},
                                   f"the crosswalk {cw.name}", values, where, problems)
        return values

    def _look_up(self, spec: Mapping[str, Any], table: Mapping[str, Any], place: str,
                 values: list[Any], where: str, problems: _Problems) -> list[Any]:
        out: list[Any] = []
        policy = spec.get("unmapped", "reject")
        for v in values:
            if str(v) in table:
                if table[str(v)] is not None:
                    out.append(table[str(v)])
            elif policy == "keep":
                out.append(v)
            elif policy == "reject":
                shown = sorted(table)[:10]
                more = ", ..." if len(table) > 10 else ""
                problems.append(InvalidInput.of("adapter.unmapped", field=where, value=v,
                                                where=place,
                                                expected=", ".join(shown) + more))
        return out
