"""The rules on the demo catalogue and on its defect-seeded copy (tests/checks/seeded-defects.trig):
no violation on the clean demo; on the copy, every seeded defect found by the rule named above
its record, on that record, at least two per rule, and no violation that was not seeded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from catalog import rdfio
from catalog.checks import RULES, CheckProjection, CheckRun, Checks
from catalog.checks.facts import facts
from catalog.demo import demo_files
from catalog.namespaces import SC
from catalog.records import split
from catalog.records.builtin import builtin_kinds
from catalog.records.kinds import Kinds

BASE = "http://127.0.0.1:8000/"
SEEDED = Path(__file__).with_name("seeded-defects.trig")
ON = date(2026, 6, 1)
PUBLISHED = datetime(2026, 1, 15, 9, 0)  # every record's version, as the ledger would date it
#: the hub's kinds, registries' data services (dcat:DataService) among them
KINDS: Kinds = builtin_kinds()


def checks_over(files: Iterable[Path]) -> Checks:
    """The rules over the records of ``files`` (a later record replaces an earlier one)."""
    records = {}
    for f in files:
        quads = rdfio.parse(f.read_bytes(), f.name, base_iri=BASE, max_bytes=10**7,
                            max_nesting=64)
        records.update({d.iri: d for d in split(quads, KINDS)})
    projection = CheckProjection(KINDS)
    projection.load({d.iri: facts(KINDS.get(d.kind), d.iri, d.triples, PUBLISHED)
                     for d in records.values()})
    codes = {q.subject.value: q.object.value for q in projection.store.quads_for_pattern(
        None, ox.NamedNode(SC + "institutionCode"), None)}
    return Checks(projection, BASE, lambda: codes)


def seeded_defects() -> set[tuple[str, str]]:
    """(rule, record IRI) of every defect the comments of the seeded file name."""
    out: set[tuple[str, str]] = set()
    rules: list[tuple[str, str]] = []
    for line in SEEDED.read_text("utf-8").splitlines():
        if line.startswith("# "):
            rules = re.findall(r"(?:^# |; )([A-Z][A-Z-]+[A-Z])(?: <([^>]+)>)?:", line)
        elif m := re.match(r"<([^>]+)> \{", line):
            out |= {(rule, BASE + (on or m.group(1))) for rule, on in rules}
            rules = []
    return out


@pytest.fixture(scope="module")
def clean() -> CheckRun:
    return checks_over(demo_files()).run(ON)


@pytest.fixture(scope="module")
def seeded() -> CheckRun:
    return checks_over([*demo_files(), SEEDED]).run(ON)


def test_the_clean_demo_has_no_violation(clean: CheckRun) -> None:
    assert [f.message["en"] for f in clean.findings if f.severity == "violation"] == []
    assert clean.by_rule()["LB-ACT-ONLY"] > 0  # warnings stay: the demo cites whole acts
    assert set(clean.rules) == {r.id for r in RULES}


def test_every_rule_has_at_least_two_seeded_defects() -> None:
    per_rule = {r.id: 0 for r in RULES}
    for rule_id, _record in seeded_defects():
        per_rule[rule_id] += 1
    assert {r: n for r, n in per_rule.items() if n < 2} == {}


def test_every_seeded_defect_is_found_by_its_rule_on_its_record(seeded: CheckRun) -> None:
    found = {(f.rule, f.record) for f in seeded.findings}
    assert sorted(seeded_defects() - found) == []


def test_the_seeded_copy_has_no_violation_that_was_not_seeded(seeded: CheckRun) -> None:
    expected = seeded_defects()
    extra = [f.message["en"] for f in seeded.findings
             if f.severity == "violation" and (f.rule, f.record) not in expected]
    assert extra == []


def test_findings_carry_code_institution_evidence_and_both_languages(seeded: CheckRun) -> None:
    by = {(f.rule, f.code): f for f in seeded.findings}
    dup = by[("DUP-SERVICE", "ASP-0024")]
    assert dup.other == BASE + "id/service/ASP-0001"
    assert dup.institution == "ASP"
    assert dup.message["en"] == (f"ASP-0024: duplicates the service {BASE}id/service/ASP-0001 "
                                 "(same title, same output and authority).")
    assert dup.message["ro"] == (f"ASP-0024: duplică serviciul {BASE}id/service/ASP-0001 "
                                 "(același titlu, același rezultat și aceeași autoritate).")
    repealed = by[("LB-REPEALED", "IGP-0001")]
    assert repealed.act == BASE + "eli/lege/2000/982"
    assert repealed.value == "2023-12-01"
    over = by[("TIME-OVER-MAX", "CNAS-0006")]
    assert (over.value, over.detail, over.act) == ("P1M", "P15D", BASE + "eli/lege/1998/156")
    once = [(f.other, f.detail) for f in seeded.findings
            if (f.rule, f.code) == ("ONCE-ONLY-CATALOGUE", "ANTA-0001")]
    assert once == [(BASE + "id/service/ASP-0001", "Permis de conducere"),
                    (BASE + "id/service/ASP-0024", "Permis de conducere")]  # and its duplicate
    cedilla = by[("DUP-SERVICE", "ANOFM-0006")]
    assert cedilla.other == BASE + "id/service/ANOFM-0002"


def test_a_repeal_counts_from_its_date(seeded: CheckRun) -> None:
    before = checks_over([*demo_files(), SEEDED]).run(date(2023, 11, 30), only=["LB-REPEALED"])
    assert before.findings == []
    assert {f.code for f in seeded.findings if f.rule == "LB-REPEALED"} == {"IGP-0001",
                                                                           "MAEIE-0003"}


def test_one_institution_sees_only_its_findings(seeded: CheckRun) -> None:
    checks = checks_over([*demo_files(), SEEDED])
    cnas = checks.run(ON, institution="CNAS")
    assert cnas.findings
    assert {f.institution for f in cnas.findings} == {"CNAS"}
    assert len(cnas.findings) == sum(1 for f in seeded.findings if f.institution == "CNAS")


def test_the_legal_status_of_what_a_passport_cites() -> None:
    from catalog.checks.legal import legal_status

    projection = checks_over(demo_files()).projection
    article = legal_status(projection, BASE + "eli/lege/2007/131/art/20", ON)
    assert (article.kind, article.act, article.in_force) == (
        "article", BASE + "eli/lege/2007/131", True)
    assert article.entry_into_force == "2007-07-07"
    assert article.version_in_force == BASE + "eli/lege/2007/131/consolidated/2024-01-01"
    assert article.title["en"] == "Art. 20. Driving licence"
    earlier = legal_status(projection, BASE + "eli/lege/2007/131/art/20", date(2023, 1, 1))
    assert earlier.version_in_force is None  # the consolidated version applies from 2024
    repealed = legal_status(projection, BASE + "eli/lege/2000/982/art/10", ON)
    assert (repealed.in_force, repealed.no_longer_in_force, repealed.repealed_by) == (
        False, "2023-12-01", BASE + "eli/lege/2023/148")
    assert legal_status(projection, BASE + "eli/lege/2000/982", date(2023, 11, 30)).in_force
    assert legal_status(projection, BASE + "eli/lege/1999/1", ON).known is False


def test_editions_as_of_a_date_and_their_differences_in_sentences() -> None:
    from catalog.checks.editions import diff, editions, in_force

    checks = checks_over(demo_files())
    projection = checks.projection
    e2026 = in_force(projection, ON)
    assert e2026.iri == BASE + "id/nomenclature/2026"
    assert e2026.approved_by == BASE + "eli/hg/2025/900"
    assert len(e2026.entries) == 62
    # a 2027 edition: one entry added, one removed, one renamed, one moved, one reassigned
    old = {iri: [q.triple for q in projection.store.quads_for_pattern(
        None, None, None, ox.NamedNode(iri))] for iri in [e2026.iri]}
    new_iri = BASE + "id/nomenclature/2027"
    text = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in old[e2026.iri]],
                        format=ox.RdfFormat.N_TRIPLES).decode().replace(
        e2026.iri, new_iri).replace('"2026-01-01"', '"2027-01-01"')
    text = text.replace('"AGE-0001"', '"AGE-0002"')  # the entry's code
    text = text.replace("Eliberarea permisului de conducere", "Eliberarea permisului auto")
    text = text.replace(f"/entry/ASP-0023> <http://data.europa.eu/m8g/isGroupedBy> "
                        f"<{BASE}codelist/life-event/citizenship>",
                        f"/entry/ASP-0023> <http://data.europa.eu/m8g/isGroupedBy> "
                        f"<{BASE}codelist/life-event/relocation>")
    text = text.replace(f"/entry/CNAM-0002> <http://data.europa.eu/m8g/hasCompetentAuthority> "
                        f"<{BASE}id/org/cnam>",
                        f"/entry/CNAM-0002> <http://data.europa.eu/m8g/hasCompetentAuthority> "
                        f"<{BASE}id/org/cnas>")
    triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)]
    projection.replace(new_iri, facts(KINDS["edition"], new_iri, triples))
    assert editions(projection) == [e2026.iri, new_iri]
    assert in_force(projection, date(2026, 12, 31)).iri == e2026.iri
    assert in_force(projection, date(2027, 1, 1)).iri == new_iri
    changes = {(c["code"], c["change"]): c for c in diff(projection, e2026.iri, new_iri)}
    assert sorted(changes) == [("AGE-0001", "removed"), ("AGE-0002", "added"),
                               ("ASP-0001", "renamed"), ("ASP-0023", "moved"),
                               ("CNAM-0002", "authority")]
    assert changes[("ASP-0001", "renamed")]["ro"] == (
        "Serviciul ASP-0001 se redenumește din „Eliberarea permisului de conducere” în "
        "„Eliberarea permisului auto”.")
    moved = changes[("ASP-0023", "moved")]["en"]
    assert moved.startswith("The service ASP-0023 moves from the life events ")
    assert changes[("CNAM-0002", "authority")]["en"].startswith("The service CNAM-0002 is given")
