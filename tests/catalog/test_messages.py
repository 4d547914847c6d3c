"""The message catalogue: every id speaks English, Romanian and Russian with the same
placeholders, and errors raised by id carry the three texts."""

from __future__ import annotations

import pytest

from catalog.errors import InvalidInput, QueryTimeout
from catalog.messages import LANGUAGES, MESSAGES, placeholders


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_every_message_has_all_languages(message_id: str) -> None:
    texts = MESSAGES[message_id]
    assert set(texts) == set(LANGUAGES)
    assert all(texts[lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_placeholders_agree_across_languages(message_id: str) -> None:
    found = placeholders(message_id)
    assert found["ro"] == found["en"] == found["ru"], message_id


def test_an_error_raised_by_id_carries_three_texts() -> None:
    exc = InvalidInput.of("search.limit", field="limit", value=0, low=1, high=100)
    assert exc.messages == {"en": "limit must be between 1 and 100",
                            "ro": "limit trebuie să fie între 1 și 100",
                            "ru": "limit должен быть от 1 до 100"}
    assert exc.to_dict() == {  # the v1 shape: en and ro
        "code": "invalid_input", "message": {k: exc.messages[k] for k in ("en", "ro")},
        "field": "limit", "value": 0}
    assert exc.message_id == "search.limit"
    assert str(exc) == "limit must be between 1 and 100 (field limit)"


def test_details_fill_placeholders_and_format_specs_apply() -> None:
    exc = QueryTimeout.of("sparql.timeout", expected="<= 2.5 s", timeout_s=2.5)
    assert exc.message == "the query ran longer than its 2.5 s limit and was stopped"
    assert InvalidInput.of("search.unknown_lang", value="de").message == "unknown language 'de'"


def test_an_inline_error_falls_back_to_english_in_russian() -> None:
    exc = InvalidInput("not converted yet", message_ro="încă neconvertit")
    assert exc.messages == {"en": "not converted yet", "ro": "încă neconvertit",
                            "ru": "not converted yet"}
    assert exc.message_id is None
