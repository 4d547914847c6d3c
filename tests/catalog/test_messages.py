"""The message catalogue: every id speaks English, Romanian and Russian with the same
placeholders, and errors raised by id carry the three texts."""

from __future__ import annotations

import pytest

from catalog.errors import InvalidInput, InvalidRecord, NotFound, QueryTimeout
from catalog.messages import LANGUAGES, MESSAGES, Localized, placeholders


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


def test_a_localized_value_speaks_each_language() -> None:
    from catalog.records.builtin import builtin_kinds

    labels = builtin_kinds()["legal"].labels
    exc = NotFound.of("record.no_such", field="code", value="LA-1", kind=Localized(labels))
    assert exc.message == "no legal act with code 'LA-1'"
    assert exc.message_ro == "nu există act normativ cu codul 'LA-1'"
    assert exc.message_ru == "нет записи типа «нормативный акт» с кодом 'LA-1'"
    assert Localized({"en": "x"})["ru"] == "x"  # a language it lacks shows English


def test_a_service_code_is_refused_in_three_languages() -> None:
    from catalog.records.builtin import builtin_kinds

    with pytest.raises(InvalidInput) as caught:
        builtin_kinds()["service"].check_code("bad code!")
    assert caught.value.message == "'bad code!' is not a service code"
    assert caught.value.message_ru == \
        "'bad code!' не является кодом записи типа «государственная услуга»"
    assert caught.value.message_id == "kinds.bad_code"


def test_a_finding_keeps_its_v1_shape_and_may_carry_russian() -> None:
    from catalog.intake.readers import passport_from_data

    with pytest.raises(InvalidRecord) as caught:
        passport_from_data({"code": 1})
    finding = caught.value.report.findings[0]
    assert set(finding.to_dict()["message"]) == {"en", "ro"}
    assert finding.message_ru
    assert finding.messages["ru"] == finding.message_ru
    assert caught.value.message_ru.startswith("паспорт: найдено проблем: ")
