"""Mappings: the published JSON Schema, errors that name the place in the mapping and what was
expected (never a value that may be a secret), and the field expressions."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from adapters.mapping.engine import RecordMapper
from adapters.mapping.expressions import References
from adapters.mapping.library import mapping_files
from adapters.mapping.spec import load, parse, schema
from catalog.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]

HEAD = b"""
semcat_mapping: 1
name: t
institution: ASP
"""


def _parse(body: bytes) -> object:
    return parse(HEAD + body, "m.yaml", ROOT)


def _refused(body: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        _parse(body)
    return info.value


def test_the_schema_is_a_valid_json_schema_and_every_shipped_example_follows_it() -> None:
    Draft202012Validator.check_schema(schema())
    examples = mapping_files(ROOT / "adapters" / "examples")
    assert any(p.name == "upl-nl.yaml" for p in examples)
    for path in examples:
        spec = load(path)  # raises on any error
        assert spec.name


def test_a_secret_written_in_the_mapping_is_refused_without_being_repeated() -> None:
    err = _refused(b"""
source: {type: rest, base_url: "https://r.example/api",
         auth: {type: bearer, token: "s3cr3t-abc"}}
record: {key: id}
fields: {code: id}
""")
    assert err.field == "source.auth.token"
    assert "env" in str(err) or "setting" in str(err)
    assert "s3cr3t" not in str(err)
    assert "s3cr3t" not in str(err.to_dict())


def test_a_wrong_value_is_named_by_its_path_and_what_was_expected() -> None:
    err = _refused(b"""
source: {type: file, path: a.csv, format: csv}
record: {key: id}
fields: {code: {reference: id, unmapped: maybe}}
""")
    assert err.field == "fields.code.unmapped"
    assert str(err).startswith(
        "the mapping is invalid at fields.code.unmapped: expected one of reject, keep, drop")


def test_a_file_source_names_its_format() -> None:
    err = _refused(b"""
source: {type: file, path: a.csv, format: xlsx}
record: {key: id}
fields: {code: id}
""")
    assert err.field == "source.format"
    assert "csv, jsonl, json" in str(err)


def test_records_and_fields_are_required_except_for_rdf_harvests() -> None:
    assert "'record' is a required property" in str(_refused(
        b"source: {type: file, path: a.csv, format: csv}\n"))
    spec = _parse(b"source: {type: rdf, file: a.ttl, cpsv_ap: '2.2.1'}\n")
    assert spec.source_type == "rdf"


def test_yaml_that_cannot_be_read_is_refused_with_its_line_and_column() -> None:
    with pytest.raises(InvalidInput) as info:
        parse(b"name: x\n  institution: [ASP\n", "m.yaml", ROOT)
    assert info.value.line == 2
    assert info.value.column == 14
    assert str(info.value).startswith("the mapping m.yaml is not readable YAML")


def test_a_crosswalk_the_mapping_does_not_declare_is_refused() -> None:
    err = _refused(b"""
source: {type: file, path: a.csv, format: csv}
record: {key: id}
fields: {code: id, audiences: {reference: aud, list: true, crosswalk: audience}}
""")
    assert err.field == "fields.audiences.crosswalk"
    assert "crosswalk 'audience'" in str(err)


def test_an_expression_that_does_not_compile_is_a_mapping_error_naming_the_field() -> None:
    spec = parse(HEAD + b"""
source: {type: file, path: a.jsonl, format: jsonl}
record: {key: id}
fields: {code: id, title: {ro: {reference: "name[?lang=="}}}
""", "m.yaml", ROOT)
    with pytest.raises(InvalidInput) as info:
        RecordMapper(spec)  # type: ignore[arg-type]
    assert info.value.field == "fields.title.ro.reference"


def test_references_in_each_language_of_a_source() -> None:
    assert References("column").values("Naam", {"Naam": "adoptie"}) == ["adoptie"]
    json_refs = References("jmespath")
    assert json_refs.values("a.b", {"a": {"b": [1, 2]}}) == [[1, 2]]  # an array is one value
    assert json_refs.iterate("a.b", {"a": {"b": [1, 2]}}) == [1, 2]
    assert json_refs.template("x/{a.c}", {"a": {"c": "7"}}) == "x/7"
    assert json_refs.template("x/{a.d}", {"a": {"c": "7"}}) is None
    from lxml import etree

    item = etree.fromstring(b"<s xmlns='urn:r'><code>A-1</code><t>x</t><t>y</t></s>")
    xml = References("xpath", {"r": "urn:r"})
    assert xml.values("r:code", item) == ["A-1"]
    assert xml.values("r:t", item) == ["x", "y"]


def test_the_public_surface_of_adapters() -> None:
    import adapters

    assert set(adapters.__all__) == {"Item", "MappingSpec", "RunReport", "Source",
                                     "SourceRegistry", "Sync", "default_registry", "load",
                                     "parse", "schema"}
    assert all(hasattr(adapters, name) for name in adapters.__all__)


def test_a_file_source_reads_regular_files_only(tmp_path: Path) -> None:
    from adapters.sources.files import FileSource

    for path in (Path("/dev/zero"), tmp_path):
        with pytest.raises(InvalidInput) as info:
            FileSource("t", path, "jsonl")
        assert str(info.value).endswith("it is not a regular file")
    with pytest.raises(InvalidInput) as missing:
        FileSource("t", tmp_path / "none.csv", "csv")
    assert str(missing.value).startswith("the source file none.csv does not exist")


def test_a_csv_row_with_the_wrong_number_of_cells_is_an_item_with_its_problem(
        tmp_path: Path) -> None:
    from adapters.sources.files import FileSource

    (tmp_path / "a.csv").write_text("code,name\nA-1,x\nA-2,y,extra\n\nA-3,z\n", encoding="utf-8")
    items = list(FileSource("t", tmp_path / "a.csv", "csv").items())
    assert [(i.key, i.position, i.data) for i in items if not i.problems] == [
        ("row 1", "1", {"code": "A-1", "name": "x"}), ("row 4", "4", {"code": "A-3", "name": "z"})]
    [bad] = [i for i in items if i.problems]
    assert str(bad.problems[0]) == "row 2 cannot be read as 2 columns: it has 3 (field row 2)"
    assert [i.key for i in FileSource("t", tmp_path / "a.csv", "csv").items(after="2")] == [
        "row 4"]
