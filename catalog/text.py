"""Keys for comparing and searching text; the text itself is always stored as given.

Romanian is written with comma-below ș ț, but cedilla ş ţ are common in older data, and Gagauz
legitimately uses ş with a cedilla; all four are the same letter for search and duplicate
detection. Keys map the cedilla forms to comma-below, then fold case and diacritics.
"""

from __future__ import annotations

import unicodedata

_CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "Ş": "Ș", "ţ": "ț", "Ţ": "Ț"})


def normalise_letters(text: str) -> str:
    """NFC, with cedilla ş/ţ as comma-below ș/ț (for comparing, not for storing)."""
    return unicodedata.normalize("NFC", text).translate(_CEDILLA_TO_COMMA)


def search_key(text: str) -> str:
    """Case- and diacritic-insensitive key: ``"Şcoală"`` and ``"scoala"`` give the same key."""
    decomposed = unicodedata.normalize("NFKD", normalise_letters(text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def same_text(a: str, b: str) -> bool:
    """True when two texts differ only by case, diacritics, ş/ș, ţ/ț or spacing."""
    return search_key(a) == search_key(b)
