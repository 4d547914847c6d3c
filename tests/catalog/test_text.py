"""Comparison keys treat ș/ş and ț/ţ alike; stored text keeps its letters."""

from __future__ import annotations

import pytest

from catalog.text import normalise_letters, same_text, search_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Certificat de naștere", "Certificat de naştere"),  # comma-below vs cedilla
        ("Țară", "Ţară"),
        ("ȘCOALĂ", "şcoală"),
        ("pensie  pentru limită de vârstă", "Pensie pentru limita de varsta"),
        ("Пенсия", "пенсия"),
    ],
)
def test_same_text_ignores_cedilla_comma_case_and_diacritics(a: str, b: str) -> None:
    assert same_text(a, b)


def test_different_words_stay_different() -> None:
    assert not same_text("căsătorie", "divorț")
    assert search_key("Ştefan") == "stefan"


def test_cedilla_letters_map_to_comma_below_for_comparison() -> None:
    assert normalise_letters("şţŞŢ") == "șțȘȚ"
    assert search_key("Gagauz Yeri: işçi") == "gagauz yeri: isci"  # Gagauz keeps its cedilla ş
