"""Harvests of real third-party CPSV-AP catalogues through the shipped example mappings
(adapters/examples/*.yaml): Trento (127 services, 2.x, RDF/XML), the Estonian/Finnish pilot
(28 + 13, 2.x, RDF/XML and Turtle) and the official 3.2.0 example (Turtle, JSON-LD).

Every rejection is checked against the source file itself: a missing property is really
missing there, a wrong class or datatype really is one; none comes from the harvest.
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from adapters.harvest_check import RdfMapping, load_mapping, main, source_for
from adapters.sources.rdf import RdfSource
from catalog.intake.cpsv_upgrade import RENAMES, upgrade
from catalog.intake.harvest import Harvest
from catalog.namespaces import ADMS, CPSV, CV, DCT, ELI, RDF_TYPE, SH
from catalog.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "adapters" / "examples"
#: mapping -> (records, accepted, rejected)
EXPECTED = {
    "trento-cpsv-ap-2-famiglia": (45, 45, 0),
    "trento-cpsv-ap-2-lavoro": (40, 40, 0),
    "trento-cpsv-ap-2-online": (51, 50, 1),
    "ee-pilot-cpsv-ap-2": (28, 0, 28),
    "ee-pilot-cpsv-ap-2-cleaned": (28, 28, 0),
    "fi-pilot-cpsv-ap-2": (13, 0, 13),
    "fi-pilot-cpsv-ap-2-cleaned": (13, 13, 0),
    "fi-pilot-cpsv-ap-2-single": (1, 0, 1),
    "cpsv-ap-3.2.0-example": (1, 1, 0),
    "cpsv-ap-3.2.0-example-jsonld": (1, 1, 0),
}


def _rdf_examples() -> list[Path]:
    """The example mappings of RDF harvests (the others read files or registries)."""
    return sorted(p for p in EXAMPLES.glob("*.yaml") if "type: rdf" in p.read_text())


@pytest.fixture(scope="module")
def harvests(shared: Path, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[str, tuple[RdfMapping, Harvest]]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("data"))
    out = {}
    for path in _rdf_examples():
        mapping = load_mapping(path)
        assert mapping.name == path.stem
        out[mapping.name] = (mapping, source_for(mapping, settings, ROOT).read())
    return out


def _source_triples(mapping: RdfMapping) -> list[ox.Triple]:
    """The mapping's file as the source wrote it, upgraded only (the renames are names)."""
    path = ROOT / mapping.source.file
    fmt = {".rdf": ox.RdfFormat.RDF_XML, ".ttl": ox.RdfFormat.TURTLE}.get(path.suffix)
    if fmt is None:
        return []
    quads = ox.parse(path=str(path), format=fmt)
    return upgrade((q.triple for q in quads), mapping.source.cpsv_ap).triples


def test_every_example_mapping_names_a_file_of_the_shared_material(shared: Path) -> None:
    names = {p.stem for p in _rdf_examples()}
    assert names == set(EXPECTED)
    for path in _rdf_examples():
        mapping = load_mapping(path)
        assert mapping.source.file.startswith("../shared/external/")
        assert (ROOT / mapping.source.file).resolve().is_relative_to(shared.resolve())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_accepted_and_rejected(name: str,
                                      harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    _, harvest = harvests[name]
    records, accepted, rejected = EXPECTED[name]
    assert harvest.counts == {"records": records, "accepted": accepted, "rejected": rejected}


def test_trento_has_127_distinct_services_and_one_without_title_or_description(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    trento = [r for n, (_, h) in harvests.items() if n.startswith("trento") for r in h.records]
    assert len({r.draft.iri for r in trento}) == 127
    rejected = [r for r in trento if not r.accepted]
    assert [r.draft.iri for r in rejected] == ["http://www.provincia.tn.it/p_TN_595"]
    paths = {f.path for p in rejected[0].problems for f in p.report.violations}  # type: ignore[attr-defined]
    assert paths == {DCT + "title", DCT + "description"}


def test_every_rejection_is_a_defect_of_the_source_file(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    """Each violation is checked against the file: minCount -> the subject has no value of
    the property there; class -> the value is described with other classes, or is a text
    where a resource is due; datatype -> the literal has another datatype (or is none)."""
    checked: Counter[str] = Counter()
    for mapping, harvest in harvests.values():
        source = _source_triples(mapping)
        for rec in harvest.records:
            for problem in rec.problems:
                assert problem.code == "invalid_record"
                for f in problem.report.violations:  # type: ignore[attr-defined]
                    kind = (f.constraint or "").removeprefix(SH)
                    values = [t.object for t in source if t.subject == ox.NamedNode(f.focus)
                              and t.predicate.value == f.path]
                    if kind == "MinCountConstraintComponent":
                        assert values == [], (rec.draft.iri, f)
                    elif kind == "ClassConstraintComponent":
                        types = {t.object.value for t in source if t.predicate.value == RDF_TYPE
                                 and isinstance(t.subject, ox.NamedNode)
                                 and t.subject.value == f.value}
                        literal = any(isinstance(v, ox.Literal) and v.value == f.value
                                      for v in values)  # a text where a resource is due
                        assert types or literal, (rec.draft.iri, f)
                    elif kind == "DatatypeConstraintComponent":
                        assert any(not isinstance(v, ox.Literal) or v.language is None
                                   for v in values), (rec.draft.iri, f)
                    else:
                        pytest.fail(f"unexpected constraint {kind} in {rec.draft.iri}")
                    checked[kind] += 1
    assert checked["MinCountConstraintComponent"] > 50  # EE/FI: identifiers, labels ...


def test_a_rejected_record_names_every_offending_subject(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    _, ee = harvests["ee-pilot-cpsv-ap-2"]
    widest = max(ee.records, key=lambda r: len(r.offending_subjects))
    focuses = {f.focus for p in widest.problems
               for f in p.report.violations}  # type: ignore[attr-defined]
    assert len(widest.offending_subjects) >= 3
    assert set(widest.offending_subjects) == focuses
    reported = widest.to_dict()
    assert reported["outcome"] == "rejected"
    assert {f["focus"] for r in reported["reasons"] for f in r["findings"]} == focuses


def test_resources_are_owned_by_links_not_by_iri_prefix(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    _, lavoro = harvests["trento-cpsv-ap-2-lavoro"]
    foreign = 0
    for rec in lavoro.records:
        subjects = {t.subject.value for t in rec.draft.triples
                    if isinstance(t.subject, ox.NamedNode)}
        foreign += sum(not s.startswith(rec.draft.iri) for s in subjects)
        for t in rec.draft.triples:  # every link to a part is to a resource the record holds
            if t.predicate.value in (CPSV + "hasInput", CV + "hasChannel",
                                     CV + "holdsRequirement") and t.subject.value == rec.draft.iri:
                assert t.object.value in subjects
    assert foreign > 200
    # a resource linked from two services is in both records
    shared_iri, holders = next(iter(lavoro.shared.items()))
    for rec in lavoro.records:
        held = any(str(t.subject) == f"<{shared_iri}>" for t in rec.draft.triples)
        assert held == (rec.draft.iri in holders)
    # the datasets a service is part of belong to none: named in the report
    _, famiglia = harvests["trento-cpsv-ap-2-famiglia"]
    assert famiglia.unowned
    assert all("/psd/" in iri for iri in famiglia.unowned)


def test_cpsv_ap_2_terms_are_upgraded_to_3_2_0(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    old = {r.old for r in RENAMES}
    for _, harvest in harvests.values():
        for rec in harvest.records:
            for t in rec.draft.triples:
                assert t.predicate.value not in old
                assert t.predicate.value != RDF_TYPE or t.object.value not in old
    _, ee = harvests["ee-pilot-cpsv-ap-2-cleaned"]
    assert any(f"{CV}hasFormalFramework -> {CV}hasLegalResource" in n for n in ee.notes)
    legal = [t for r in ee.records for t in r.draft.triples
             if t.predicate.value == RDF_TYPE and t.object.value == ELI + "LegalResource"]
    assert legal


def test_trento_statuses_are_stripped_and_kept_in_provenance(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    stated = 0
    for name, (mapping, harvest) in harvests.items():
        if not name.startswith("trento"):
            continue
        source = _source_triples(mapping)
        services = {t.subject for t in source if t.predicate.value == RDF_TYPE
                    and t.object == ox.NamedNode(CPSV + "PublicService")}
        stated += sum(1 for t in source if t.predicate.value == ADMS + "status"
                      and t.subject in services)
        for rec in harvest.records:
            assert not any(t.subject.value == rec.draft.iri and t.predicate.value == ADMS
                           + "status" for t in rec.draft.triples)
            assert rec.provenance["original_iri"] == rec.draft.iri
            assert rec.provenance["source"] == mapping.source.file  # not the server's path
            assert rec.provenance["harvested_at"]
    kept = sum(r.provenance.get(f"source_stated:{ADMS}status", "").count("|") + 1
               for n, (_, h) in harvests.items() if n.startswith("trento") for r in h.records
               if f"source_stated:{ADMS}status" in r.provenance)
    assert kept == stated == 130  # 45 + 39 + 46 services state it in the three files


def test_the_official_example_conforms_with_its_code_list_references_as_warnings(
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    (ttl,), (jsonld,) = (harvests[n][1].records for n in (
        "cpsv-ap-3.2.0-example", "cpsv-ap-3.2.0-example-jsonld"))
    assert ttl.accepted
    assert ttl.draft.canonical() == jsonld.draft.canonical()
    warned = {f.value for f in ttl.report.warnings}
    assert "http://publications.europa.eu/resource/authority/frequency/WEEKLY" in warned
    assert "http://publications.europa.eu/resource/authority/atu/BEL" in warned
    assert len(ttl.report.warnings) == 6  # VALIDATION.md §2: the six untyped code-list IRIs


def test_untagged_text_is_refused_unless_the_mapping_declares_its_language(
        shared: Path, settings: Settings) -> None:
    mapping = load_mapping(EXAMPLES / "fi-pilot-cpsv-ap-2-cleaned.yaml")
    mapping.source.untagged_language = None
    harvest = source_for(mapping, settings, ROOT).read()
    assert harvest.counts["accepted"] == 0
    paths = {f.path for r in harvest.records for p in r.problems
             for f in p.report.violations}  # type: ignore[attr-defined]
    assert DCT + "title" in paths


def test_loopback_subject_iris_are_never_dereferenced(
        shared: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        tried.append(address)
        raise OSError("no connection during a harvest")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    mapping = load_mapping(EXAMPLES / "ee-pilot-cpsv-ap-2-cleaned.yaml")
    harvest = source_for(mapping, settings, ROOT).read()
    assert any(r.draft.iri.startswith("http://127.0.0.1:3362/") for r in harvest.records)
    assert tried == []


def test_items_resume_after_a_position(shared: Path, settings: Settings) -> None:
    source: RdfSource = source_for(load_mapping(EXAMPLES / "fi-pilot-cpsv-ap-2.yaml"),
                                   settings, ROOT)
    every = list(source.items())
    rest = list(source.items(after=every[4].position))
    assert [i.key for i in rest] == [i.key for i in every[5:]]
    first = every[0]
    assert first.draft is not None
    assert first.key == first.draft.iri
    assert first.problems  # the raw Finnish file: rejected, with its reasons
    assert first.provenance["cpsv_ap"] == "2.2.1"
    source.close()


def test_the_check_command_prints_the_report(shared: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main([str(EXAMPLES / "trento-cpsv-ap-2-online.yaml"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"records": 51, "accepted": 50, "rejected": 1}
    (rejected,) = [r for r in report["records"] if r["outcome"] == "rejected"]
    assert rejected["iri"] == "http://www.provincia.tn.it/p_TN_595"
    assert main([str(EXAMPLES / "cpsv-ap-3.2.0-example.yaml")]) == 0
    assert "1 record(s), 1 accepted, 0 rejected" in capsys.readouterr().out


def test_the_check_command_refuses_a_bad_mapping_with_its_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ninstitution: AGE\n"
                   "source: {type: rdf, file: x.ttl, cpsv_ap: '9.9'}\n")
    (tmp_path / "x.ttl").write_text("<https://x.example/s> a <https://x.example/C> .\n")
    assert main([str(bad)]) == 2
    assert "unknown CPSV-AP version '9.9'" in capsys.readouterr().err
    bad.write_text("name: x\nsource: {type: soap}\n")
    assert main([str(bad)]) == 2
    assert "cannot be read" in capsys.readouterr().err


def _quads(path: Path) -> Iterator[ox.Quad]:
    graph = ox.NamedNode("https://example.org/graph/1")
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        yield ox.Quad(q.subject, q.predicate, q.object, graph)


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_datasets_are_read_as_the_union_of_their_graphs(
        fmt: str, shared: Path, settings: Settings, tmp_path: Path,
        harvests: dict[str, tuple[RdfMapping, Harvest]]) -> None:
    example = shared / "cpsv-ap" / "3.2.0" / "example-rdf_public_service.ttl"
    info = {"nquads": (ox.RdfFormat.N_QUADS, ".nq"), "trig": (ox.RdfFormat.TRIG, ".trig")}[fmt]
    path = tmp_path / f"example{info[1]}"
    path.write_bytes(ox.serialize(list(_quads(example)), format=info[0]) or b"")
    (rec,) = RdfSource("t", path, "3.2.0", settings).read().records
    assert rec.accepted
    assert rec.draft.canonical() == harvests["cpsv-ap-3.2.0-example"][1].records[0].draft \
        .canonical()
