"""Hostile and malformed input is refused before any parser sees it, with a usable message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from catalog import gates, rdfio
from catalog.errors import InvalidInput, TooLarge, UnsafeInput

BASE = "http://127.0.0.1:8000/"
LIMITS = {"base_iri": BASE, "max_bytes": 2 * 1024 * 1024, "max_nesting": 64}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="http://example.org/s"><dct:title>&lol9;</dct:title></rdf:Description>
</rdf:RDF>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="http://example.org/s"><dct:title>&x;</dct:title></rdf:Description>
</rdf:RDF>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_xml_with_a_doctype_is_refused_at_once(doc: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeInput, match="DOCTYPE"):
        rdfio.parse(doc, "rdfxml", **LIMITS)
    assert time.monotonic() - started < 0.5


def test_utf16_xml_cannot_smuggle_a_doctype() -> None:
    with pytest.raises((UnsafeInput, InvalidInput)):
        rdfio.parse(XXE.decode().encode("utf-16"), "rdfxml", **LIMITS)


@pytest.mark.parametrize("bracket", ["[", "("])
def test_deep_turtle_is_refused_before_parsing(bracket: str) -> None:
    close = {"[": "]", "(": ")"}[bracket]
    inner = "<http://e/s> <http://e/p> " + bracket * 5000 + close * 5000 + " ."
    if bracket == "[":
        inner = "<http://e/s> <http://e/p> " + "[ <http://e/p> " * 5000 + "1" + " ]" * 5000 + " ."
    with pytest.raises(InvalidInput, match="nested more than 64 levels deep; at most 64"):
        rdfio.parse(inner, "turtle", **LIMITS)


def test_deep_json_ld_is_refused_before_parsing() -> None:
    doc = '{"@id": "http://e/s", "http://e/p": ' + '{"http://e/p": ' * 5000 + "1" + "}" * 5001
    with pytest.raises(InvalidInput, match="nested more than 64 levels deep"):
        rdfio.parse(doc, "jsonld", **LIMITS)


def test_oversized_documents_are_refused() -> None:
    doc = "<http://e/s> <http://e/p> \"" + "x" * 3_000_000 + "\" ."
    with pytest.raises(TooLarge) as err:
        rdfio.parse(doc, "turtle", **LIMITS)
    assert err.value.expected == f"<= {2 * 1024 * 1024} bytes"


@pytest.mark.parametrize("context", ["http://127.0.0.1:1/context.jsonld", "file:///etc/passwd",
                                     "context.jsonld"])
def test_unknown_json_ld_contexts_are_never_loaded(context: str) -> None:
    doc = f'{{"@context": "{context}", "@id": "http://e/s", "title": "x"}}'
    with pytest.raises(UnsafeInput) as err:
        rdfio.parse(doc, "jsonld", **LIMITS)
    assert err.value.field == "@context"
    assert "never loaded" in err.value.message


def test_json_ld_import_is_refused() -> None:
    doc = '{"@context": {"@import": "http://127.0.0.1:1/c"}, "@id": "http://e/s"}'
    with pytest.raises(UnsafeInput):
        rdfio.parse(doc, "jsonld", **LIMITS)


@pytest.mark.shared
def test_official_json_ld_example_parses_offline_like_the_turtle(shared: Path) -> None:
    folder = shared / "cpsv-ap" / "3.2.0"
    from_json = rdfio.parse((folder / "example-rdf_public_service.jsonld").read_bytes(), "jsonld",
                            **LIMITS)
    from_ttl = rdfio.parse((folder / "example-rdf_public_service.ttl").read_bytes(), "turtle",
                           **LIMITS)
    assert len(from_json) == len(from_ttl) == 67
    assert rdfio.canonical_ntriples(q.triple for q in from_json) == \
        rdfio.canonical_ntriples(q.triple for q in from_ttl)


def test_malformed_turtle_names_line_and_column() -> None:
    doc = '<http://e/s> <http://e/p> "ok" .\n<http://e/s> <http://e/p> "broken .\n'
    with pytest.raises(InvalidInput) as err:
        rdfio.parse(doc, "turtle", **LIMITS)
    assert err.value.line == 2
    assert err.value.column is not None
    assert err.value.to_dict()["line"] == 2


@pytest.mark.shared
def test_real_malformed_files_give_positions(shared: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        rdfio.parse((shared / "adms-ap" / "ADMS_SKOS_v2.00.ttl").read_bytes(), "turtle",
                    base_iri=BASE, max_bytes=10**8, max_nesting=64)
    assert err.value.line is not None


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not valid UTF-8"):
        rdfio.parse(b'<http://e/s> <http://e/p> "\xff" .', "turtle", **LIMITS)


def test_text_is_kept_exactly_as_given() -> None:
    text = "Naştere (cedilla) / Naștere (comma) / Ţară / Țară / Рождение"
    quads = rdfio.parse(f'<http://e/s> <http://e/p> "{text}"@ro .', "turtle", **LIMITS)
    assert f'"{text}"@ro' in rdfio.canonical_ntriples(q.triple for q in quads)


def test_depth_scan_ignores_brackets_in_strings_comments_and_iris() -> None:
    noisy = ('<http://e/s> <http://e/p> "(((( [[[[" ; # {{{{{{ [[[[[\n'
             '<http://e/q> """ ((( """ .')
    assert gates.nesting_depth(noisy) == 0
    # a '#' inside an IRI does not start a comment that would hide the brackets after it
    assert gates.nesting_depth("<http://e/s#a> <http://e/p> [ <http://e/q#b> ( 1 ) ] .") == 2
    assert gates.nesting_depth("[ [ ( ) ] ]") == 3
    assert gates.nesting_depth('{"a": "{{{{", "b": [[1]]}', comments=False, iris=False) == 3


def test_unclosed_rdf_star_quotes_count_as_nesting() -> None:
    """Issue "Hostile input": unclosed ``<<`` escaped the gate, and the parser then took ~290
    bytes of memory per input byte."""
    assert gates.nesting_depth("<< <http://e/a> <http://e/b> << <http://e/c> <http://e/d> "
                               "<http://e/e> >> >> <http://e/p> <http://e/o> .") == 2
    hostile = ("<< " * 700_000).encode()
    with pytest.raises(InvalidInput, match="nested more than 64 levels deep"):
        rdfio.parse(hostile, "turtle", base_iri="http://e/", max_bytes=4 << 20, max_nesting=64)
    assert gates.nesting_depth('{"a": "<<<<", "b": ["<<"]}', comments=False, iris=False) == 2


def test_the_nesting_scan_skips_long_literals_in_one_step() -> None:
    text = '<a> <b> """' + "x" * 2_000_000 + ' [ ( { """ .\n' + '<a> <b> "q\\"[" .'
    assert gates.nesting_depth(text) == 0


def test_the_nesting_scan_stops_at_the_first_level_past_the_limit() -> None:
    """A hostile document of a million open brackets is refused after ``limit + 1`` of them:
    the gate's work (on a thread that holds the GIL) does not grow with the attack."""
    for text, json_ in (("<< " * 1_000_000, False), ("[" * 1_000_000, True)):
        flags = {"comments": not json_, "iris": not json_}
        assert gates.nesting_depth(text, **flags, stop_above=64) == 65
        assert gates.nesting_depth(text[:60], **flags, stop_above=64) <= 60
    assert gates.nesting_depth("[" * 1000, comments=False, iris=False) == 1000
