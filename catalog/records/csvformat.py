"""Service passports as CSV, one passport per row: the column layout, export and import.

The column families follow the fields of :class:`~catalog.passport.Passport` in their order,
so the mapping cannot drift from the model; ``docs/csv.md`` is the users' copy of the layout.
Languages come as ro, en, ru, other tags alphabetically, then the untagged column (``title``).
An empty cell is no value (``None``, no entry, no items) and ``'`` alone the empty text. A
multi-valued cell joins its values with `` | `` (``\\|`` and ``\\\\`` inside a value). A cell
starting with ``= + - @``, a tab, a CR or ``'`` gets one more leading ``'`` (formula injection);
import removes exactly one leading ``'`` from any cell. One limit: a language whose keyword
list is empty reads back as no entry (RDF cannot tell them apart either).

Import never recurses; file-level problems (encoding, malformed CSV, header, caps) raise
:class:`~catalog.errors.InvalidInput` before any row (lines read lazily: once reached).
"""

from __future__ import annotations

import csv
import io
import math
import re
import types
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Final, get_args

from pydantic import BaseModel, ValidationError

from catalog import gates
from catalog.errors import InvalidInput, TooLarge
from catalog.messages import LANGUAGES, Localized, Texts, render
from catalog.records.passport import Passport

CSV_MEDIA_TYPE: Final = "text/csv"
PREFERRED_LANGUAGES: Final = ("ro", "en", "ru")
MAX_ROWS: Final = 10_000
MAX_COLUMNS: Final = 1_000
SEPARATOR: Final = " | "
ALWAYS_EXPORTED: Final = ("code", "title@ro", "competent_authority")
_DANGEROUS: Final = ("=", "+", "-", "@", "\t", "\r", "'")
_BOM: Final = b"\xef\xbb\xbf"
_LANG_TAG: Final = r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*"
_COLUMN_RE: Final = re.compile(rf"(?:(?P<part>[a-z_]+)\.(?P<n>[1-9][0-9]{{0,5}})\.)?"
                               rf"(?P<field>[a-z_]+)(?:@(?P<lang>{_LANG_TAG}))?")
_NUMBER_RE: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf")
_UNSTORABLE: Final = re.compile(r"[\x00\ud800-\udfff]")


class Kind(Enum):
    """How a field is written in cells; the value is its format in English and Romanian."""

    TEXT = ("text", "text")
    LANG = ("text in the language of the column", "text în limba coloanei")
    LANG_MULTI = ("texts separated by ' | '", "texte separate prin ' | '")
    MULTI = ("IRIs separated by ' | '", "IRI-uri separate prin ' | '")
    BOOL = ("true, false or empty", "true, false sau gol")
    NUMBER = ("a number with a decimal point, e.g. 12.50",
              "un număr cu punct zecimal, de ex. 12.50")


_LANG_KINDS: Final = (Kind.LANG, Kind.LANG_MULTI)
#: Field type -> kind; a passport field of another type makes this module fail to import.
_KINDS: Final[Mapping[Any, Kind]] = types.MappingProxyType({
    dict[str, str]: Kind.LANG, dict[str, list[str]]: Kind.LANG_MULTI, list[str]: Kind.MULTI,
    float: Kind.NUMBER, bool | None: Kind.BOOL, str | None: Kind.TEXT, str: Kind.TEXT})
_FIELD_FORMAT: Final = types.MappingProxyType({
    "code": ("a nomenclature code CODE-0000, e.g. ASP-0001",
             "un cod din nomenclator COD-0000, de ex. ASP-0001"),
    "key": ("the part's local name, e.g. evidence/1", "numele local al părții, de ex. evidence/1"),
    "processing_time": ("an ISO 8601 duration, e.g. P10D", "o durată ISO 8601, de ex. P10D"),
    **dict.fromkeys(("competent_authority", "type", "currency", "owned_by", "data_service",
                     "data_element"), ("an IRI", "un IRI")),
    "url": ("a URL", "un URL"),
})


@dataclass(frozen=True)
class ColumnFamily:
    """One documented family of columns, e.g. ``evidence.{n}.title[@{lang}]``."""

    pattern: str
    part: str | None
    field: str
    kind: Kind
    required: bool
    format: str
    format_ro: str
    order: tuple[int, int]


def _build_layout() -> tuple[ColumnFamily, ...]:
    out: list[ColumnFamily] = []
    for top, (name, info) in enumerate(Passport.model_fields.items()):
        model = next(iter(get_args(info.annotation)), None)
        fields = [(name, f, fi) for f, fi in model.model_fields.items()] if isinstance(
            model, type) and issubclass(model, BaseModel) else [(None, name, info)]
        for sub, (part, field, finfo) in enumerate(fields):
            kind = _KINDS[finfo.annotation]
            en, ro = _FIELD_FORMAT.get(field, kind.value)
            pattern = (f"{part}.{{n}}." if part else "") + field + (
                "[@{lang}]" if kind in _LANG_KINDS else "")
            out.append(ColumnFamily(pattern, part, field, kind, finfo.is_required(), en, ro,
                                    (top, sub)))
    return tuple(out)


_LAYOUT: Final = _build_layout()
_FAMILY: Final = types.MappingProxyType({(f.part, f.field): f for f in _LAYOUT})
_PARTS: Final = tuple(dict.fromkeys(f.part for f in _LAYOUT if f.part))


def column_layout() -> tuple[ColumnFamily, ...]:
    """Every column family, in the documented order (published as the CSV layout)."""
    return _LAYOUT


# --- cells ----------------------------------------------------------------------------------
def _column(part: str | None, n: int, field: str, lang: str | None) -> str:
    return (f"{part}.{n}." if part else "") + field + (f"@{lang}" if lang else "")


def _neutralise(text: str) -> str:
    return "'" + text if text == "" or text.startswith(_DANGEROUS) else text


def _join(values: Iterable[str]) -> str:
    return SEPARATOR.join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def _split(cell: str) -> list[str]:
    """The values of a multi-valued cell; `` | `` separates, a space around ``|`` is optional."""
    tokens: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(cell):
        if cell[i] == "\\" and cell[i + 1:i + 2] in ("\\", "|"):
            i += 1
            buf.append(cell[i])
        elif cell[i] == "|":
            tokens.append("".join(buf))
            buf = []
        else:
            buf.append(cell[i])
        i += 1
    tokens.append("".join(buf))
    last = len(tokens) - 1
    return [t[1 if k and t.startswith(" ") else 0:
              len(t) - (1 if k < last and t.endswith(" ") else 0)] for k, t in enumerate(tokens)]


def _number(value: float) -> str:
    """``repr`` (reads back equal), positional instead of an exponent where that stays short."""
    if value == 0:
        return "0.0"
    text = repr(float(value))
    if "e" in text and math.isfinite(value):
        plain = format(Decimal(text), "f")
        return plain if len(plain) <= 40 else text
    return text


def _texts(kind: Kind, value: Any) -> list[tuple[str | None, str]]:
    if value is None:
        return []
    if kind is Kind.LANG:
        return list(value.items())
    if kind is Kind.LANG_MULTI:
        return [(lang, _join(vals)) for lang, vals in value.items() if vals]
    if kind is Kind.MULTI:
        return [(None, _join(value))] if value else []
    if kind is Kind.BOOL:
        return [(None, "true" if value else "false")]
    return [(None, _number(value) if kind is Kind.NUMBER else str(value))]


def _model_cells(model: BaseModel, part: str | None, n: int, out: dict[str, str]) -> None:
    for fam in (f for f in _LAYOUT if f.part == part):
        for lang, text in _texts(fam.kind, getattr(model, fam.field)):
            if lang and not re.fullmatch(_LANG_TAG, lang):
                raise InvalidInput.of(
                    "csv.not_language_tag", field=_column(part, n, fam.field, None),
                    value=lang, expected="a BCP 47 language tag, e.g. ro")
            cell, limit = _neutralise(text), csv.field_size_limit()
            if len(cell) > limit:  # the csv module would refuse it on import
                raise TooLarge.of("csv.cell_too_long", field=_column(part, n, fam.field, lang),
                                  value=len(cell), expected=f"<= {limit} characters",
                                  limit=limit)
            out[_column(part, n, fam.field, lang)] = cell


def _cells(p: Passport) -> dict[str, str]:
    out: dict[str, str] = {}
    _model_cells(p, None, 0, out)
    for part in _PARTS:
        for n, item in enumerate(getattr(p, part), 1):
            _model_cells(item, part, n, out)
    return out


# --- export -----------------------------------------------------------------------------------
def _sort_key(name: str) -> tuple[int, int, int, int, str]:
    m = _COLUMN_RE.fullmatch(name)
    assert m is not None, name
    fam, lang = _FAMILY[(m["part"], m["field"])], m["lang"] or ""
    rank = (PREFERRED_LANGUAGES.index(lang) if lang in PREFERRED_LANGUAGES
            else len(PREFERRED_LANGUAGES) + (not lang))
    return fam.order[0], int(m["n"] or 0), fam.order[1], rank, lang


def _header(rows: Iterable[Mapping[str, str]]) -> list[str]:
    names = set(ALWAYS_EXPORTED)
    for row in rows:
        names.update(row)
    return sorted(names, key=_sort_key)


def export_csv(passports: Iterable[Passport], *, bom: bool = True) -> bytes:
    """The passports as one CSV file: UTF-8 (with a BOM unless ``bom=False``), CRLF, RFC 4180."""
    rows = [_cells(p) for p in passports]
    header = _header(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row.get(name, "") for name in header] for row in rows)
    return (_BOM if bom else b"") + buf.getvalue().encode("utf-8")


# --- import -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvProblem:
    """What is wrong with one cell of a data row: ``field`` is the column name, ``column`` its
    1-based position (``None`` when the file has no such column), ``row`` the spreadsheet row
    (the header is row 1) and ``line`` the line of the file where the row starts."""

    row: int
    line: int
    field: str
    column: int | None
    value: str | None
    expected: str
    message: str
    message_ro: str

    def to_error(self) -> InvalidInput:
        return InvalidInput(self.message, message_ro=self.message_ro, field=self.field,
                            value=self.value, expected=self.expected, line=self.line,
                            column=self.column)


@dataclass(frozen=True)
class CsvRow:
    """One data row: its passport, or the problems found in it (exactly one of the two)."""

    row: int
    line: int
    passport: Passport | None
    problems: tuple[CsvProblem, ...]

    def error(self) -> InvalidInput:
        """All the problems of the row as one error (the first one's field and position)."""
        first = self.problems[0]
        if len(self.problems) == 1:
            return first.to_error()
        return InvalidInput("; ".join(p.message for p in self.problems),
                            message_ro="; ".join(p.message_ro for p in self.problems),
                            field=first.field, value=first.value, expected=first.expected,
                            line=first.line, column=first.column)


@dataclass(frozen=True)
class _Column:
    index: int
    name: str
    family: ColumnFamily
    n: int
    lang: str | None


@dataclass(frozen=True)
class _Record:
    row: int
    line: int
    cells: list[str]


class _BadCell(Exception):
    def __init__(self, en: str, ro: str, expected: tuple[str, str] | None = None) -> None:
        super().__init__(en)
        self.en, self.ro, self.expected = en, ro, expected


def _records(lines: Iterable[str], max_rows: int | None, max_columns: int,
             on_row: Callable[[], None] = lambda: None) -> Iterator[_Record]:
    """The non-blank records with their row and start line; caps checked as they come."""
    reader = csv.reader(lines, strict=True)
    line, kept = 1, 0
    try:
        for row, cells in enumerate(reader, 1):
            if len(cells) > max_columns:
                raise TooLarge.of("csv.too_many_cells", value=len(cells),
                                  expected=f"<= {max_columns} columns", line=line, row=row,
                                  limit=max_columns)
            if any(cells):
                if max_rows is not None and kept > max_rows:
                    raise TooLarge.of("csv.too_many_rows", expected=f"<= {max_rows} data rows",
                                      line=line, limit=max_rows)
                kept += 1
                yield _Record(row, line, cells)
            line = reader.line_num + 1
            on_row()
    except csv.Error as exc:
        raise InvalidInput.of("csv.malformed", expected="RFC 4180 CSV", line=reader.line_num,
                              reason=exc) from exc


def _read_header(header: _Record) -> list[_Column]:
    columns: list[_Column] = []
    problems: list[tuple[Texts, str, int | None]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header.cells, 1):
        name = raw.strip()
        m = _COLUMN_RE.fullmatch(name)
        fam = _FAMILY.get((m["part"], m["field"])) if m else None
        if m is None or fam is None or (m["lang"] and fam.kind not in _LANG_KINDS):
            problems.append((render("csv.header_unknown", name=name, column=i), name, i))
        elif name in seen:
            problems.append((render("csv.header_twice", name=name, first=seen[name], column=i),
                             name, i))
        else:
            seen[name] = i
            lang = (m["lang"] or "") if fam.kind in _LANG_KINDS else None
            columns.append(_Column(i, name, fam, int(m["n"] or 0), lang))
    for part, n in dict.fromkeys((c.family.part, c.n) for c in columns if c.family.part):
        if (key := _column(part, n, "key", None)) not in seen:
            problems.append((render("csv.header_needs_key", part=part, n=n, name=key), key, None))
    if "code" not in seen:
        problems.append((render("csv.header_no_code"), "code", None))
    if problems:
        accepted = ", ".join(f.pattern for f in _LAYOUT)
        listed = Localized({lang: "; ".join(p[0][lang] for p in problems) for lang in LANGUAGES})
        raise InvalidInput.of(
            "csv.header", field=problems[0][1], value=problems[0][1],
            expected=f"accepted columns: {accepted}", line=header.line, column=problems[0][2],
            problems=listed, accepted=accepted)
    return columns


def _parse_cell(col: _Column, text: str, languages: tuple[str, ...] | None) -> Any:
    if _UNSTORABLE.search(text):
        raise _BadCell("contains U+0000 or a lone surrogate, which cannot be stored",
                       "conține U+0000 sau un surogat izolat, care nu poate fi salvat",
                       ("text without NUL", "text fără NUL"))
    if col.lang is not None and languages is not None and col.lang not in languages:
        known = ", ".join(tag for tag in languages if tag)
        raise _BadCell(f"the language `{col.lang}` is not accepted",
                       f"limba `{col.lang}` nu este acceptată",
                       (f"a column in one of the languages {known}, or without a tag",
                        f"o coloană într-una din limbile {known}, sau fără etichetă"))
    kind = col.family.kind
    if kind is Kind.NUMBER:
        if not _NUMBER_RE.fullmatch(text):
            raise _BadCell("is not a number", "nu este un număr")
        return float(text)
    if kind is Kind.BOOL:
        if text.lower() not in ("true", "false"):
            raise _BadCell("is neither true nor false", "nu este nici true, nici false")
        return text.lower() == "true"
    return _split(text) if kind in (Kind.MULTI, Kind.LANG_MULTI) else text


def _problem(rec: _Record, field: str, column: int | None, value: str | None,
             en: str, ro: str, expected: tuple[str, str]) -> CsvProblem:
    at_line = rec.line != rec.row
    where_en = f"row {rec.row}" + (f" (line {rec.line})" if at_line else "")
    where_ro = f"rândul {rec.row}" + (f" (linia {rec.line})" if at_line else "")
    return CsvProblem(rec.row, rec.line, field, column, value, expected[0],
                      f"{where_en}, column {field}: {en} (expected {expected[0]})",
                      f"{where_ro}, coloana {field}: {ro} (se așteaptă {expected[1]})")


def _pydantic_text(err: Mapping[str, Any]) -> tuple[str, str]:
    ge = err.get("ctx", {}).get("ge", 0)
    ge = f"{ge:g}" if isinstance(ge, int | float) else ge
    return {"missing": ("a value is required", "valoarea este obligatorie"),
            "string_pattern_mismatch": ("does not have the required form", "nu are forma cerută"),
            "greater_than_equal": (f"must be at least {ge}", f"trebuie să fie cel puțin {ge}"),
            }.get(err["type"], (str(err["msg"]), f"valoare invalidă ({err['msg']})"))


def _loc_column(loc: tuple[int | str, ...], groups: Mapping[str, list[int]]
                ) -> tuple[str, ColumnFamily | None]:
    """The column a pydantic error location points at (list index -> group number)."""
    part: str | None = None
    n, rest = 0, loc
    if len(loc) >= 3 and loc[0] in groups and isinstance(loc[1], int):
        part, n, rest = str(loc[0]), groups[str(loc[0])][loc[1]], loc[2:]
    field = str(rest[0]) if rest else "code"
    fam = _FAMILY.get((part, field))
    lang = str(rest[1]) if fam and fam.kind in _LANG_KINDS and len(rest) > 1 else None
    return _column(part, n, field, lang), fam


def _read_row(columns: list[_Column], rec: _Record, languages: tuple[str, ...] | None) -> CsvRow:
    problems: list[CsvProblem] = []
    raw_of: dict[str, str] = {}
    data: dict[str, Any] = {}
    parts: dict[tuple[str, int], dict[str, Any]] = {}
    if any(rec.cells[len(columns):]):
        extra = len(columns) + 1
        problems.append(_problem(
            rec, f"#{extra}", extra, None, f"the row has {len(rec.cells)} cells",
            f"rândul are {len(rec.cells)} celule",
            (f"at most {len(columns)} cells, one per column of the header",
             f"cel mult {len(columns)} celule, câte una pentru fiecare coloană din antet")))
    for col, raw in zip(columns, rec.cells, strict=False):
        if raw == "":
            continue
        raw_of[col.name] = raw
        fam = col.family
        try:
            value = _parse_cell(col, raw.removeprefix("'"), languages)
        except _BadCell as bad:
            problems.append(_problem(rec, col.name, col.index, raw, bad.en, bad.ro,
                                     bad.expected or (fam.format, fam.format_ro)))
            continue
        target = data if fam.part is None else parts.setdefault((fam.part, col.n), {})
        if col.lang is None:
            target[fam.field] = value
        else:
            target.setdefault(fam.field, {})[col.lang] = value
    for fam in _LAYOUT:
        if fam.part is None and fam.required and fam.kind in (*_LANG_KINDS, Kind.MULTI):
            data.setdefault(fam.field, [] if fam.kind is Kind.MULTI else {})
    groups = {part: sorted(n for (p, n) in parts if p == part) for part in _PARTS}
    data.update({part: [parts[(part, n)] for n in ns] for part, ns in groups.items()})
    try:
        passport = Passport.model_validate(data)
    except ValidationError as exc:
        flagged = {p.field for p in problems}
        positions = {c.name: c.index for c in columns}
        for err in exc.errors():
            name, fam_or_none = _loc_column(err["loc"], groups)
            if name not in flagged:
                flagged.add(name)
                fmt = ((fam_or_none.format, fam_or_none.format_ro) if fam_or_none
                       else ("a valid value", "o valoare validă"))
                problems.append(_problem(rec, name, positions.get(name), raw_of.get(name),
                                         *_pydantic_text(err), fmt))
        return CsvRow(rec.row, rec.line, None, tuple(problems))
    return CsvRow(rec.row, rec.line, None if problems else passport, tuple(problems))


def iter_csv(data: bytes | str | Iterable[str], *, max_rows: int | None = MAX_ROWS,
             max_columns: int = MAX_COLUMNS, on_row: Callable[[], None] = lambda: None,
             languages: Collection[str] | None = PREFERRED_LANGUAGES) -> Iterator[CsvRow]:
    """Each data row of a CSV file as a :class:`CsvRow`, in file order (blank rows skipped).

    ``languages`` are the accepted language tags (the untagged column always is); ``None``
    accepts any well-formed tag. The file is decoded, parsed and its header checked before this
    returns: an unreadable file, a bad header, more than ``max_rows`` data rows or more than
    ``max_columns`` columns raise :class:`~catalog.errors.InvalidInput` (``TooLarge`` for caps).
    ``data`` may be the file's lines instead (decoded, newlines kept), read lazily: problems
    raise when the read reaches them; ``on_row`` is called after each row."""
    if isinstance(data, bytes | str):
        text = data if isinstance(data, str) else gates.decode_utf8(data, what="the CSV file")
        lines = io.StringIO(text.removeprefix("\ufeff"), newline="")
        records: Iterator[_Record] = iter(list(_records(lines, max_rows, max_columns)))
    else:
        records = _records(data, max_rows, max_columns, on_row)
    if (header := next(records, None)) is None:
        raise InvalidInput.of("csv.empty", expected="a header row, e.g. code,title@ro")
    columns = _read_header(header)
    accepted = None if languages is None else (*([languages] if isinstance(languages, str)
                                                   else languages), "")
    return (_read_row(columns, rec, accepted) for rec in records)


def read_csv(data: bytes | str, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS,
             languages: Collection[str] | None = PREFERRED_LANGUAGES) -> list[Passport]:
    """Every passport of a CSV file; the problems of the first bad row are raised."""
    out: list[Passport] = []
    for row in iter_csv(data, max_rows=max_rows, max_columns=max_columns, languages=languages):
        if row.passport is None:
            raise row.error()
        out.append(row.passport)
    return out
