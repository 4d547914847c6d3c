"""The CSV layout of service passports: lossless both ways, safe in spreadsheets, clear errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.errors import InvalidInput, TooLarge
from catalog.records import csvformat
from catalog.records.csvformat import CSV_MEDIA_TYPE, column_layout, export_csv, iter_csv, read_csv
from catalog.records.passport import Cost, Evidence, Passport
from tests.builders import passport
from tests.strategies import BASE, csv_passports

ROOT = Path(__file__).resolve().parents[2]
ASP = BASE + "id/org/asp"
MDL = "http://publications.europa.eu/resource/authority/currency/MDL"
HEAD = "code,title@ro,competent_authority"


def cells(data: bytes) -> list[list[str]]:
    """The exported file as the csv module reads it (what a spreadsheet shows)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def minimal(title_ro: str = "Eliberarea certificatului de naștere", **changes: object
            ) -> Passport:
    return Passport(code="ASP-0101", title={"ro": title_ro}, competent_authority=ASP,
                    **changes)  # type: ignore[arg-type]


def only_problem(text: str, **kw: object) -> csvformat.CsvProblem:
    rows = list(iter_csv(text, **kw))  # type: ignore[arg-type]
    assert len(rows) == 1
    assert rows[0].passport is None
    assert len(rows[0].problems) == 1, rows[0].problems
    return rows[0].problems[0]


# --- lossless ---------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(csv_passports)
def test_passport_to_csv_and_back_is_lossless(p: Passport) -> None:
    assert read_csv(export_csv([p])) == [p]


@settings(max_examples=60, deadline=None)
@given(st.lists(csv_passports, min_size=2, max_size=4), st.booleans())
def test_several_passports_in_one_file_come_back_in_order(ps: list[Passport], bom: bool) -> None:
    rows = list(iter_csv(export_csv(ps, bom=bom)))
    assert [r.problems for r in rows] == [()] * len(ps)
    assert [r.passport for r in rows] == ps


def test_the_demo_passport_header_follows_the_documented_order() -> None:
    p = passport("ASP-9001")
    data = export_csv([p])
    header = cells(data)[0]
    assert header[:15] == [
        "code", "title@ro", "title@en", "description@ro", "description@en", "keywords@ro",
        "keywords@en", "competent_authority", "legal_resources", "audiences", "life_events",
        "thematic_areas", "languages", "spatial", "processing_time"]
    assert "related_services" not in header  # the demo passport has none: no column
    assert header[15:20] == ["requirements.1.key", "requirements.1.identifier",
                             "requirements.1.title@ro", "requirements.1.title@en",
                             "requirements.1.description@ro"]
    assert header[header.index("evidence.4.key"):header.index("evidence.5.key")] == [
        "evidence.4.key", "evidence.4.identifier", "evidence.4.title@ro", "evidence.4.title@en",
        "evidence.4.description@ro", "evidence.4.description@en", "evidence.4.type",
        "evidence.4.obtained_by_authority", "evidence.4.registry_source@ro",
        "evidence.4.registry_source@en"]
    assert header[-7:] == ["channels.2.key", "channels.2.identifier", "channels.2.description@ro",
                           "channels.2.description@en", "channels.2.type", "channels.2.owned_by",
                           "channels.2.url"]
    assert len(header) == len(set(header)) == 77
    row = dict(zip(header, cells(data)[1], strict=True))
    assert row["keywords@ro"] == "examen auto | permis de conducere"
    assert row["evidence.4.obtained_by_authority"] == "true"
    assert row["costs.1.value"] == "250.0"
    assert read_csv(data) == [p]


def test_always_the_code_romanian_title_and_authority_even_when_empty() -> None:
    p = Passport(code="ASP-0102", title={"en": "Only English"}, competent_authority=ASP,
                 processing_time=None)
    assert cells(export_csv([p])) == [["code", "title@ro", "title@en", "competent_authority"],
                                      ["ASP-0102", "", "Only English", ASP]]
    assert read_csv(export_csv([p])) == [p]


def test_languages_come_ro_en_ru_then_others_then_untagged() -> None:
    p = minimal(title_ro="Certificat", description={"": "fără etichetă", "de": "Bescheinigung",
                                                     "ru": "Справка", "en": "Certificate",
                                                     "ro": "Certificat", "bg": "Удостоверение"})
    header = cells(export_csv([p]))[0]
    assert header[header.index("description@ro"):header.index("competent_authority")] == [
        "description@ro", "description@en", "description@ru", "description@bg",
        "description@de", "description"]
    assert read_csv(export_csv([p]), languages=None) == [p]


# --- spreadsheet safety ----------------------------------------------------------------------
@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_a_cell_that_starts_like_a_formula_is_neutralised_and_reads_back(first: str) -> None:
    title = f"{first}HYPERLINK(\"http://rău.example\";\"Taxă\")"
    p = minimal(title_ro=title, keywords={"ro": [f"{first}cmd|' /C calc'!A0", "taxă"]})
    data = export_csv([p])
    header, row = cells(data)
    assert row[header.index("title@ro")] == "'" + title
    assert row[header.index("keywords@ro")] == f"'{first}cmd\\|' /C calc'!A0 | taxă"
    assert read_csv(data) == [p]


def test_safe_text_is_written_as_is_and_the_empty_text_as_a_lone_quote() -> None:
    p = minimal(title_ro="Taxă: 1+1=2 @ ghișeu", description={"ro": ""}, processing_time="")
    header, row = cells(export_csv([p]))
    assert row[header.index("title@ro")] == "Taxă: 1+1=2 @ ghișeu"
    assert row[header.index("description@ro")] == "'"
    assert row[header.index("processing_time")] == "'"
    assert read_csv(export_csv([p])) == [p]


def test_bars_and_backslashes_inside_list_values_are_escaped() -> None:
    values = [BASE + "a|b", "C:\\acte\\", " cu spații ", "", "\\|"]
    p = minimal(legal_resources=values)
    header, row = cells(export_csv([p]))
    assert row[header.index("legal_resources")] == (
        BASE + "a\\|b | C:\\\\acte\\\\ |  cu spații  |  | \\\\\\|")
    assert read_csv(export_csv([p])) == [p]


def test_hand_typed_lists_may_leave_out_the_spaces() -> None:
    [p] = read_csv(f"{HEAD},life_events\r\nASP-0101,Certificat,{ASP},"
                   f"{BASE}codelist/life-event/birth|{BASE}codelist/life-event/death\r\n")
    assert p.life_events == [BASE + "codelist/life-event/birth", BASE + "codelist/life-event/death"]


def test_numbers_read_back_equal_and_avoid_exponents() -> None:
    values = [0.1, 115.5, 1e16, 1.5e-07, 5e-324, 1.7976931348623157e308, float("inf"), 0.0]
    p = minimal(costs=[Cost(key=f"cost/{i}", identifier=f"C{i}", value=v, currency=MDL)
                       for i, v in enumerate(values, 1)])
    header, row = cells(export_csv([p]))
    written = [row[header.index(f"costs.{i}.value")] for i in range(1, len(values) + 1)]
    assert written == ["0.1", "115.5", "10000000000000000", "0.00000015", "5e-324",
                       "1.7976931348623157e+308", "inf", "0.0"]
    assert read_csv(export_csv([p])) == [p]


# --- encoding ---------------------------------------------------------------------------------
def test_export_is_utf8_with_a_bom_crlf_and_rfc4180_quoting() -> None:
    p = minimal(title_ro="Certificat de naştere, \"duplicat\"\nvechi")  # cedilla ş kept
    data = export_csv([p])
    assert data.startswith(b"\xef\xbb\xbfcode,")
    assert data.count(b"\r\n") == 2  # header and row; the line break inside the cell stays LF
    assert '"Certificat de naştere, ""duplicat""\nvechi"'.encode() in data
    assert "ş".encode() in data
    assert "ș".encode() not in data
    assert read_csv(data)[0].title["ro"] == "Certificat de naştere, \"duplicat\"\nvechi"


def test_bom_can_be_left_out_and_import_takes_both() -> None:
    p = passport("ASP-9001")
    with_bom, without = export_csv([p]), export_csv([p], bom=False)
    assert without.startswith(b"code,")
    assert with_bom == b"\xef\xbb\xbf" + without
    assert read_csv(with_bom) == read_csv(without) == read_csv(without.decode()) == [p]


def test_a_file_that_is_not_utf8_is_refused() -> None:
    data = f"{HEAD}\r\nASP-0101,Certificat de naştere,{ASP}\r\n".encode("cp1250")
    with pytest.raises(InvalidInput, match="not valid UTF-8"):
        iter_csv(data)


# --- row problems -------------------------------------------------------------------------------
COST_HEAD = f"{HEAD},costs.1.key,costs.1.identifier,costs.1.value,costs.1.currency"


def test_a_bad_cost_value_names_row_column_value_and_expectation() -> None:
    text = (f"{COST_HEAD}\r\n"
            f"ASP-0101,Certificat de naștere,{ASP},cost/1,ASP-0101-CO1,115.5,{MDL}\r\n"
            f"ASP-0102,Certificat de deces,{ASP},cost/1,ASP-0102-CO1,\"12,50\",{MDL}\r\n")
    good, bad = list(iter_csv(text))
    assert good.passport is not None
    assert good.passport.costs[0].value == 115.5
    assert bad.passport is None
    assert (bad.row, bad.line) == (3, 3)
    [prob] = bad.problems
    assert (prob.field, prob.column, prob.value) == ("costs.1.value", 6, "12,50")
    assert prob.message == ("row 3, column costs.1.value: is not a number "
                            "(expected a number with a decimal point, e.g. 12.50)")
    assert prob.message_ro == ("rândul 3, coloana costs.1.value: nu este un număr "
                               "(se așteaptă un număr cu punct zecimal, de ex. 12.50)")
    err = prob.to_error()
    assert (err.field, err.line, err.column, err.value) == ("costs.1.value", 3, 6, "12,50")
    assert err.to_dict()["message"] == {"en": prob.message, "ro": prob.message_ro}
    with pytest.raises(InvalidInput, match=r"row 3, column costs\.1\.value: is not a number"):
        read_csv(text)


def test_a_negative_cost_is_reported_by_the_model_under_its_column() -> None:
    prob = only_problem(f"{COST_HEAD}\r\nASP-0101,Certificat,{ASP},cost/1,C1,'-5,{MDL}\r\n")
    assert (prob.field, prob.column, prob.value) == ("costs.1.value", 6, "'-5")
    assert prob.message == ("row 2, column costs.1.value: must be at least 0 "
                            "(expected a number with a decimal point, e.g. 12.50)")
    assert prob.message_ro.startswith("rândul 2, coloana costs.1.value: trebuie să fie cel puțin 0")


def test_a_value_in_a_column_of_an_unknown_language_is_a_row_problem() -> None:
    text = (f"{HEAD},title@de\r\n"
            f"ASP-0101,Certificat de naștere,{ASP},\r\n"
            f"ASP-0102,Certificat de deces,{ASP},Sterbeurkunde\r\n")
    good, bad = list(iter_csv(text))
    assert good.passport is not None
    assert good.passport.title == {"ro": "Certificat de naștere"}
    [prob] = bad.problems
    assert (prob.row, prob.field, prob.column, prob.value) == (3, "title@de", 4, "Sterbeurkunde")
    assert prob.message == ("row 3, column title@de: the language `de` is not accepted (expected "
                            "a column in one of the languages ro, en, ru, or without a tag)")
    assert prob.message_ro == ("rândul 3, coloana title@de: limba `de` nu este acceptată (se "
                               "așteaptă o coloană într-una din limbile ro, en, ru, sau fără "
                               "etichetă)")
    assert [r.passport.title for r in iter_csv(text, languages=None) if r.passport][1] == {
        "ro": "Certificat de deces", "de": "Sterbeurkunde"}
    only_ro = list(iter_csv(text, languages="ro"))  # one tag, not the letters r and o
    assert only_ro[0].problems == ()
    assert "one of the languages ro, or without a tag" in only_ro[1].problems[0].message


def test_a_typo_in_the_case_of_a_language_is_caught() -> None:
    prob = only_problem(f"code,title@RO,competent_authority\r\nASP-0101,Certificat,{ASP}\r\n")
    assert prob.field == "title@RO"


def test_a_missing_code_is_reported_with_row_and_column() -> None:
    prob = only_problem(f"{HEAD}\r\n,Certificat de naștere,{ASP}\r\n")
    assert (prob.row, prob.line, prob.field, prob.column, prob.value) == (2, 2, "code", 1, None)
    assert prob.message == ("row 2, column code: a value is required "
                            "(expected a nomenclature code CODE-0000, e.g. ASP-0001)")
    assert prob.message_ro == ("rândul 2, coloana code: valoarea este obligatorie "
                               "(se așteaptă un cod din nomenclator COD-0000, de ex. ASP-0001)")


def test_a_code_of_the_wrong_form_is_reported() -> None:
    prob = only_problem(f"{HEAD}\r\nasp-1,Certificat,{ASP}\r\n")
    assert (prob.field, prob.value) == ("code", "asp-1")
    assert "does not have the required form" in prob.message
    assert "nu are forma cerută" in prob.message_ro


def test_every_problem_of_a_row_is_listed_and_the_row_starts_where_its_cells_start() -> None:
    text = (f"{HEAD},description@ro,evidence.2.key,evidence.2.title@ro,"
            "evidence.2.obtained_by_authority\r\n"
            f"ASP-0101,Certificat,{ASP},\"Două\r\nrânduri\",,Copia buletinului,da\r\n")
    [row] = list(iter_csv(text))
    assert (row.row, row.line) == (2, 2)
    assert [(p.field, p.column, p.value) for p in row.problems] == [
        ("evidence.2.obtained_by_authority", 7, "da"), ("evidence.2.key", 5, None),
        ("evidence.2.identifier", None, None)]
    text2 = text + f",Certificat,{ASP}\r\n"
    second = list(iter_csv(text2))[1]
    assert (second.row, second.line) == (3, 4)
    assert second.problems[0].message.startswith("row 3 (line 4), column code:")
    assert second.problems[0].message_ro.startswith("rândul 3 (linia 4), coloana code:")
    err = row.error()
    assert err.message.count("row 2") == 3
    assert err.field == "evidence.2.obtained_by_authority"


def test_booleans_accept_any_case_and_blank_rows_are_skipped() -> None:
    text = (f"{HEAD},evidence.1.key,evidence.1.identifier,evidence.1.obtained_by_authority\r\n"
            "\r\n,,,,,\r\n"
            f"ASP-0101,Certificat,{ASP},evidence/1,ASP-0101-EV1,TRUE\r\n")
    [p] = read_csv(text)
    assert p.evidence == [Evidence(key="evidence/1", identifier="ASP-0101-EV1",
                                   type=None, obtained_by_authority=True)]


def test_short_rows_are_padded_and_extra_cells_are_a_problem() -> None:
    assert read_csv(f"{HEAD},description@ro\r\nASP-0101,Certificat,{ASP}\r\n")[0].description == {}
    prob = only_problem(f"{HEAD}\r\nASP-0101,Certificat,{ASP},în plus\r\n")
    assert (prob.field, prob.column) == ("#4", 4)
    assert "the row has 4 cells" in prob.message


def test_nul_in_a_cell_is_a_row_problem() -> None:
    prob = only_problem(f"{HEAD}\r\nASP-0101,Certi\x00ficat,{ASP}\r\n")
    assert prob.field == "title@ro"
    assert "U+0000" in prob.message


# --- file problems ------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "en", "ro"), [
    ("code,titlu@ro,competent_authority", "unknown column `titlu@ro` (column 2)",
     "coloană necunoscută `titlu@ro` (coloana 2)"),
    ("code,code@ro", "unknown column `code@ro` (column 2)", "coloană necunoscută `code@ro`"),
    ("code,evidence.01.key", "unknown column `evidence.01.key`", "coloană necunoscută"),
    ("code,title@ro,code", "column `code` appears twice (columns 1 and 3)",
     "coloana `code` apare de două ori (coloanele 1 și 3)"),
    ("code,evidence.1.key,evidence.2.title@ro",
     "the columns evidence.2.* need a `evidence.2.key` column",
     "coloanele evidence.2.* au nevoie de coloana `evidence.2.key`"),
    ("title@ro,competent_authority", "there is no `code` column", "lipsește coloana `code`"),
])
def test_a_bad_header_refuses_the_whole_file_and_lists_the_accepted_columns(
        header: str, en: str, ro: str) -> None:
    text = f"{header}\r\nASP-0101,Certificat\r\n"
    with pytest.raises(InvalidInput) as caught:
        iter_csv(text)  # before any row is read
    err = caught.value
    assert err.message.startswith("CSV header: ")
    assert en in err.message
    assert err.message_ro.startswith("antetul CSV: ")
    assert ro in err.message_ro
    assert "Accepted columns: code, title[@{lang}], description[@{lang}]" in err.message
    assert "channels.{n}.url" in err.message
    assert "Coloane acceptate: code" in err.message_ro
    assert err.line == 1


@pytest.mark.parametrize("text", ["", "\r\n\r\n"])
def test_an_empty_file_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="the CSV file is empty"):
        read_csv(text)


def test_malformed_csv_is_refused_with_its_line() -> None:
    with pytest.raises(InvalidInput, match="malformed CSV at line 3") as caught:
        iter_csv(f"{HEAD}\r\nASP-0101,Certificat,{ASP}\r\nASP-0102,\"Certificat\"x,{ASP}\r\n")
    assert caught.value.line == 3


def test_more_rows_than_allowed_are_refused() -> None:
    rows = "".join(f"ASP-010{i},Certificat {i},{ASP}\r\n" for i in range(3))
    assert len(read_csv(HEAD + "\r\n" + rows, max_rows=3)) == 3
    with pytest.raises(TooLarge, match="more than 2 passports") as caught:
        iter_csv(HEAD + "\r\n" + rows, max_rows=2)
    assert caught.value.expected == "<= 2 data rows"
    assert caught.value.line == 4


def test_more_columns_than_allowed_are_refused() -> None:
    with pytest.raises(TooLarge, match="at most 2 columns") as caught:
        iter_csv(f"{HEAD}\r\nASP-0101,Certificat,{ASP}\r\n", max_columns=2)
    assert caught.value.line == 1
    wide = f"{HEAD}\r\nASP-0101,Certificat,{ASP}" + "," * csvformat.MAX_COLUMNS + "\r\n"
    with pytest.raises(TooLarge, match=f"at most {csvformat.MAX_COLUMNS} columns"):
        iter_csv(wide)


def test_a_cell_longer_than_the_csv_field_limit_is_refused_both_ways() -> None:
    limit = csv.field_size_limit()
    with pytest.raises(InvalidInput, match=f"malformed CSV at line 2: field larger than field "
                                           f"limit \\({limit}\\)"):
        iter_csv(f"{HEAD}\r\nASP-0101,{'ă' * (limit + 1)},{ASP}\r\n")
    assert read_csv(export_csv([minimal(title_ro="ă" * limit)]))[0].title["ro"] == "ă" * limit
    with pytest.raises(TooLarge, match="cannot be written in one CSV cell") as caught:
        export_csv([minimal(description={"ro": "ă" * (limit + 1)})])
    assert caught.value.field == "description@ro"


def test_export_refuses_a_language_key_that_is_no_tag() -> None:
    with pytest.raises(InvalidInput, match="`r o` is not a language tag") as caught:
        export_csv([minimal(description={"r o": "text"})])
    assert caught.value.field == "description"


# --- published layout ----------------------------------------------------------------------------
def test_the_layout_covers_every_passport_field_in_model_order() -> None:
    families = column_layout()
    assert CSV_MEDIA_TYPE == "text/csv"
    assert [f.pattern for f in families][:4] == [
        "code", "title[@{lang}]", "description[@{lang}]", "keywords[@{lang}]"]
    top = [f.field for f in families if f.part is None]
    parts = {f.part for f in families if f.part}
    assert set(top) | parts == set(Passport.model_fields)
    assert {f.pattern for f in families if f.required} == {
        "code", "title[@{lang}]", "competent_authority",
        *(f"{k}.{{n}}.{x}" for k in parts for x in ("key", "identifier")),
        "costs.{n}.value", "costs.{n}.currency", "channels.{n}.type"}


def test_the_docs_table_documents_exactly_the_column_families() -> None:
    doc = (ROOT / "docs" / "csv.md").read_text("utf-8")
    documented = re.findall(r"^\| `([^`]+)` \|", doc, flags=re.MULTILINE)
    assert sorted(documented) == sorted(f.pattern for f in column_layout())
    assert documented == [f.pattern for f in column_layout()], "keep the table in layout order"
    for required in (f.pattern for f in column_layout() if f.required):
        line = next(x for x in doc.splitlines() if x.startswith(f"| `{required}` |"))
        assert "**required**" in line or required == "title[@{lang}]", required


def test_the_example_file_in_the_docs_reads_as_two_passports() -> None:
    doc = (ROOT / "docs" / "csv.md").read_text("utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    first, second = read_csv(example)
    assert (first.code, second.code) == ("ASP-0101", "CNAS-0201")
    assert first.costs[0].description == {"ro": "-50% pentru pensionari"}
    assert first.channels[0].locations == [BASE + "id/location/bravicea-calarasi",
                                           BASE + "id/location/carpineni-hincesti"]
    assert second.evidence[0].obtained_by_authority is True
    assert export_csv([first, second], bom=False).decode() == example.replace("\n", "\r\n")
