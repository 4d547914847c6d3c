"""DUP-NEAR: services whose titles are near-duplicates (a typo, another word order, the old
spelling), found with their score, kept up to date as records come and go, and told apart from
services whose titles differ by a word that matters."""

from __future__ import annotations

from datetime import date

import pytest

from catalog.checks.near import score, words
from catalog.core import Catalog
from catalog.demo import demo_files
from catalog.records.passport import Passport
from catalog.text import search_key
from tests.checks.test_checks_catalog import BASE, demo, demo_settings, draft, passport
from tests.checks.test_seeded import SEEDED, checks_over

ON = date(2026, 6, 1)
__all__ = ["demo", "demo_settings"]  # the demo catalogue's fixtures, shared


def similarity(a: str, b: str) -> int:
    return score(words(search_key(a)), words(search_key(b)))


@pytest.mark.parametrize(("a", "b"), [
    ("Eliberarea permisului de conducere", "Eliberarea permisului de conducre"),  # a typo
    ("Eliberarea permisului de conducere", "Permisul de conducere, eliberarea"),  # the order
    ("Stabilirea pensiei pentru limită de vârstă", "Stabilirea pensiei pentru limita de vîrstă"),
    ("Înregistrarea în calitate de șomer", "INREGISTRAREA IN CALITATE DE ŞOMER"),
])
def test_titles_that_say_the_same_are_near_duplicates(a: str, b: str) -> None:
    assert similarity(a, b) == 100


@pytest.mark.parametrize(("a", "b"), [
    ("Stabilirea ajutorului de deces", "Stabilirea ajutorului de șomaj"),
    ("Eliberarea duplicatului certificatului de naștere",
     "Eliberarea duplicatului certificatului de deces"),
    ("Înregistrarea căsătoriei", "Înregistrarea desfacerii căsătoriei"),
    ("Eliberarea permisului de conducere", "Eliberarea permisului de armă"),
    ("Eliberarea permisului de conducere (10023)", "Eliberarea permisului de conducere (10024)"),
])
def test_titles_that_differ_by_a_word_that_matters_are_not(a: str, b: str) -> None:
    assert similarity(a, b) < 80


def test_the_seeded_near_duplicates_are_found_with_their_score() -> None:
    run = checks_over([*demo_files(), SEEDED]).run(ON, only=["DUP-NEAR"])
    found = {(f.code, f.other, f.value) for f in run.findings}
    assert (("ASP-0025", BASE + "id/service/ASP-0001", "100") in found)
    assert (("CNAS-0015", BASE + "id/service/CNAS-0001", "100") in found)
    [f] = [f for f in run.findings if f.code == "CNAS-0015"]
    assert f.severity == "warning"
    assert f.message["en"] == (f"CNAS-0015: its title resembles the service {BASE}id/service/"
                               "CNAS-0001's (similarity 100 %).")
    assert f.message["ro"].startswith("CNAS-0015: titlul seamănă cu cel al serviciului")


def test_the_clean_demo_has_no_near_duplicate() -> None:
    assert checks_over(demo_files()).run(ON, only=["DUP-NEAR"]).findings == []


def test_a_draft_with_a_near_duplicate_title_adds_one_finding_and_leaves_no_trace(
        demo: Catalog) -> None:
    checks = demo.checks()
    p: Passport = passport(demo, "ASP-0002")
    retitled = p.model_copy(update={"title": {**p.title, "ro": "Eliberarea permisului de "
                                              "conducre"}})  # ASP-0001's, with a typo
    what_if = checks.what_if([draft(retitled)])
    assert [(f.rule, f.code, f.other, f.value) for f in what_if.added] == [
        ("DUP-NEAR", "ASP-0002", BASE + "id/service/ASP-0001", "100")]
    assert checks.run(only=["DUP-NEAR"]).findings == []  # the overlay is gone, pairs too
    again = checks.what_if([draft(retitled)])
    assert len(again.added) == 1
