"""Bulk files read record by record: the same records as a whole read, lazily, with the gates."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.corpus import generate
from catalog.errors import InvalidInput, TooLarge
from catalog.intake.readers import Unreadable, bulk_items, drafts_from_passports
from catalog.intake.stream import stream_items, streamed
from catalog.records import RecordDraft, csvformat
from catalog.settings import Settings

BASE = "http://127.0.0.1:8000/"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path, base_uri=BASE)


def canonical(items: list[RecordDraft | Unreadable]) -> list[tuple[str, str]]:
    assert all(isinstance(i, RecordDraft) for i in items), items
    return sorted((i.iri, i.canonical()) for i in items if isinstance(i, RecordDraft))


def jsonl(n: int) -> bytes:
    return b"".join(p.model_dump_json(exclude_none=True).encode() + b"\n" for p in generate(n))


def nquads(drafts: list[RecordDraft]) -> bytes:
    out = ox.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(d.iri))
                        for d in drafts for t in d.triples], format=ox.RdfFormat.N_QUADS)
    assert out is not None
    return out


def test_json_lines_stream_gives_the_records_of_a_whole_read(settings: Settings) -> None:
    data = jsonl(30)
    stream = stream_items(io.BytesIO(data), "big.jsonl", settings)
    items = iter(stream)
    first = next(items)
    assert isinstance(first, RecordDraft)
    assert stream.bytes_read < len(data)  # lazily: one buffer, not the file
    rest = list(items)
    assert stream.bytes_read == len(data)
    assert canonical([first, *rest]) == canonical(bulk_items(data, "big.jsonl", settings))
    assert streamed("big.jsonl")
    assert streamed("x.csv")
    assert streamed("dump.nq")
    assert not streamed("doc.ttl")
    assert not streamed("list.json")


def test_a_json_line_over_the_record_cap_is_refused_alone(settings: Settings) -> None:
    small = Settings(env="test", data_dir=settings.data_dir, base_uri=BASE,
                     max_record_bytes=8192)
    good = jsonl(2).splitlines(keepends=True)
    huge = json.dumps({"code": "ASP-0001", "title": {"ro": "x" * 50_000}}).encode() + b"\n"
    items = list(stream_items(io.BytesIO(good[0] + huge + b"{not json\n" + good[1]),
                              "f.jsonl", small))
    assert [type(i).__name__ for i in items] == ["RecordDraft", "Unreadable", "Unreadable",
                                                 "RecordDraft"]
    too_large, malformed = items[1], items[2]
    assert isinstance(too_large, Unreadable)
    assert isinstance(too_large.error, TooLarge)
    assert too_large.position == "line 2"
    assert isinstance(malformed, Unreadable)
    assert malformed.position == "line 3"
    assert isinstance(malformed.error, InvalidInput)
    assert malformed.error.line == 3


def test_invisible_characters_in_a_code_refuse_that_line_only(settings: Settings) -> None:
    lines = jsonl(2).splitlines(keepends=True)
    doc = json.loads(lines[0])
    doc["code"] = doc["code"][:3] + "\u200b" + doc["code"][3:]
    items = list(stream_items(io.BytesIO(json.dumps(doc).encode() + b"\n" + lines[1]),
                              "f.jsonl", settings))
    assert isinstance(items[0], Unreadable)
    assert "U+200B" in str(items[0].error)
    assert isinstance(items[1], RecordDraft)


def test_a_json_list_in_a_jsonl_file_is_read_whole(settings: Settings) -> None:
    docs = [json.loads(line) for line in jsonl(3).splitlines()]
    items = list(stream_items(io.BytesIO(json.dumps(docs, indent=1).encode()), "f.jsonl",
                              settings))
    assert len(canonical(items)) == 3


def test_csv_stream_gives_the_records_of_a_whole_read(settings: Settings) -> None:
    data = csvformat.export_csv(generate(25))
    stream = stream_items(io.BytesIO(data), "x.csv", settings)
    items = list(stream)
    assert stream.bytes_read == len(data)
    assert canonical(items) == canonical(bulk_items(data, "x.csv", settings))


def test_csv_streams_past_the_whole_file_row_cap(settings: Settings,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvformat, "MAX_ROWS", 5)
    items = list(stream_items(io.BytesIO(csvformat.export_csv(generate(12))), "x.csv", settings))
    assert len(canonical(items)) == 12


def test_a_csv_row_over_the_record_cap_stops_the_read_with_its_line(settings: Settings) -> None:
    small = Settings(env="test", data_dir=settings.data_dir, base_uri=BASE,
                     max_record_bytes=16384)
    passports = generate(3)
    passports[1].title = {"ro": "y" * 20000}
    items = iter(stream_items(io.BytesIO(csvformat.export_csv(passports)), "x.csv", small))
    assert isinstance(next(items), RecordDraft)
    with pytest.raises(TooLarge, match="line 3"):
        next(items)


def test_a_bad_csv_header_is_refused_before_any_record(settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="unknown column"):
        next(iter(stream_items(io.BytesIO(b"code,colour\r\nASP-0001,red\r\n"), "x.csv",
                               settings)))


def test_nquads_stream_gives_one_record_per_graph(settings: Settings) -> None:
    drafts = drafts_from_passports(generate(20), BASE)
    data = nquads(drafts)
    stream = stream_items(io.BytesIO(data), "dump.nq", settings)
    items = list(stream)
    assert stream.bytes_read == len(data)
    assert canonical(items) == sorted((d.iri, d.canonical()) for d in drafts)


def test_a_graph_split_across_the_file_is_refused_whole(settings: Settings) -> None:
    drafts = drafts_from_passports(generate(3), BASE)
    first, second, third = drafts
    head = RecordDraft(first.iri, "service", first.triples[:10])
    tail = RecordDraft(first.iri, "service", first.triples[10:])
    items = list(stream_items(io.BytesIO(nquads([head, second, tail, third])), "d.nq",
                              settings))
    refused = [i for i in items if isinstance(i, Unreadable)]
    assert [i.position for i in refused] == [f"graph 1 <{first.iri}>", f"graph 3 <{first.iri}>"]
    assert all("not contiguous" in str(i.error) for i in refused)
    assert {i.iri for i in items if isinstance(i, RecordDraft)} == {second.iri, third.iri}


def test_nquads_in_the_default_graph_are_refused(settings: Settings) -> None:
    draft = drafts_from_passports(generate(1), BASE)[0]
    data = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in draft.triples],
                        format=ox.RdfFormat.N_QUADS)
    assert data is not None
    items = list(stream_items(io.BytesIO(data), "d.nq", settings))
    assert len(items) == 1
    assert isinstance(items[0], Unreadable)
    assert "default graph" in str(items[0].error)


def test_an_nquads_syntax_error_is_found_before_any_record(settings: Settings) -> None:
    drafts = drafts_from_passports(generate(2), BASE)
    data = nquads(drafts) + b"<http://a> <http://b> oops .\n"
    with pytest.raises(InvalidInput, match="malformed nquads"):
        next(iter(stream_items(io.BytesIO(data), "d.nq", settings)))


def test_other_formats_are_read_whole_within_the_bulk_cap(settings: Settings) -> None:
    small = Settings(env="test", data_dir=settings.data_dir, base_uri=BASE,
                     max_bulk_bytes=2048)
    draft = drafts_from_passports(generate(1), BASE)[0]
    data = ox.serialize([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(draft.iri))
                         for t in draft.triples], format=ox.RdfFormat.TRIG)
    assert data is not None
    with pytest.raises(TooLarge):
        list(stream_items(io.BytesIO(data), "doc.trig", small))
    assert len(canonical(list(stream_items(io.BytesIO(data), "doc.trig", settings)))) == 1


def test_a_graph_that_states_things_about_another_record_is_refused_alone(
        settings: Settings) -> None:
    """Issue 12 (hostile input): a named graph of N-Quads or TriG was taken whole, so a record
    could carry triples about another institution's service into the public store."""
    own, other = drafts_from_passports(generate(2), BASE)
    hijack = ox.Quad(ox.NamedNode(other.iri), ox.NamedNode("http://purl.org/dc/terms/title"),
                     ox.Literal("Preluat", language="ro"), ox.NamedNode(own.iri))
    hijacking = ox.serialize([hijack], format=ox.RdfFormat.N_QUADS)
    assert hijacking is not None
    data = nquads([own]) + hijacking + nquads([other])  # in the run of own's graph
    for items in (list(stream_items(io.BytesIO(data), "dump.nq", settings)),
                  bulk_items(data, "application/n-quads", settings)):
        refused, kept = sorted(items, key=lambda i: isinstance(i, RecordDraft))
        assert isinstance(refused, Unreadable)
        assert "may describe only the service " + own.iri in refused.error.message
        assert isinstance(kept, RecordDraft)
        assert kept.iri == other.iri
