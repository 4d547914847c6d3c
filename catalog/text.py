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


_BREVE = "\u0306"


def search_fold(text: str) -> str:
    """The text as a search index holds it: ş/ș and ţ/ț alike, case folded (Cyrillic too),
    diacritics dropped (ă â î ș ț → a a i s t, ё → е), but Cyrillic й kept apart from и.

    Unlike :func:`search_key` it keeps the spacing and punctuation, so that a tokenizer can
    cut the folded text into the same words as the original."""
    if text.isascii():  # nothing to decompose or drop: case folding is all
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", normalise_letters(text).casefold())
    kept: list[str] = []
    for c in decomposed:
        # й is a letter of its own, not и with a diacritic
        if not unicodedata.combining(c) or (c == _BREVE and kept and kept[-1] == "и"):
            kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept))
