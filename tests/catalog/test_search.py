"""Full-text search: a projection of the ledger on SQLite FTS5 and PostgreSQL tsvector + GIN.

Every test runs on both ledger back ends (``ledger_settings``, through ``ref_catalog`` or
``demo``), over the demo nomenclature and hand-made passports whose words appear nowhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from catalog.core import Catalog
from catalog.db import create_db_engine, migrate
from catalog.demo import load_demo
from catalog.errors import InvalidInput
from catalog.passport import to_triples
from catalog.records import RecordDraft
from catalog.search import MAX_QUERY_CHARS, SearchDocument, SearchIndex, SearchPage, marked
from catalog.search.analysis import highlight, parse_query, words
from catalog.search.backends import PostgresBackend, fts_expression, tsvector_literal
from catalog.settings import Settings
from catalog.text import search_fold
from tests.builders import BASE, passport


@pytest.fixture
def demo(ledger_settings: Settings) -> Iterator[Catalog]:
    cat = Catalog(ledger_settings)
    load_demo(cat)
    yield cat
    cat.close()


def draft(code: str, *, title: dict[str, str], description: dict[str, str] | None = None,
          keywords: dict[str, list[str]] | None = None,
          evidence: dict[str, str] | None = None) -> RecordDraft:
    """A valid passport whose searchable texts are only the ones given (plus neutral ones)."""
    p = passport(code)
    p.title = title
    p.description = description if description is not None else {
        "ro": "Serviciu de probă.", "en": "A trial service."}
    p.keywords = keywords or {}
    for n, e in enumerate(p.evidence, 1):
        e.title = {"ro": f"Dovada numărul {n}", "en": f"Proof number {n}"}
    if evidence:
        p.evidence[0].title = evidence
    for o in p.outputs:
        o.title = {"ro": "Decizie", "en": "Decision"}
    iri = f"{BASE}id/service/{code}"
    return RecordDraft(iri, "service", to_triples(p, iri))


def publish(cat: Catalog, *drafts: RecordDraft) -> None:
    report = cat.import_records(list(drafts), author="test")
    assert not report.rejected, report.to_dict()


def codes(page: SearchPage) -> list[str]:
    return [h.code for h in page.hits]


def find(cat: Catalog, q: str, **kw: object) -> list[str]:
    return codes(cat.search_index.search(q, limit=100, **kw))  # type: ignore[arg-type]


def all_pages(index: SearchIndex, q: str, limit: int, **kw: object) -> list[str]:
    seen: list[str] = []
    cursor = None
    totals = set()
    while True:
        page = index.search(q, limit=limit, cursor=cursor, **kw)  # type: ignore[arg-type]
        seen += codes(page)
        totals.add(page.total)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(totals) == 1
    assert len(seen) == totals.pop()
    return seen


# --- folding ------------------------------------------------------------------------------
def test_search_fold_folds_case_diacritics_and_cedillas_but_keeps_short_i() -> None:
    assert search_fold("ŞŢşţ ȘȚșț") == "stst stst"
    assert search_fold("Căsătorie, ÎNVĂȚĂMÂNT") == "casatorie, invatamant"
    assert search_fold("ВЫДАЧА Ёлка") == "выдача елка"
    assert search_fold("Свидетельство о рождении, й Й") == "свидетельство о рождении, й й"
    assert words("s\u0326coala\u0306") == ["scoala"]  # decomposed input folds alike


def test_cedilla_and_comma_below_texts_and_queries_find_each_other(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9101", title={"ro": "Autorizaţie de ştanţare"}),  # cedilla
            draft("ASP-9102", title={"ro": "Autorizație de ștanțare"}))  # comma below
    for q in ("ştanţare", "ștanțare", "stantare", "ŞTANŢARE", "ȘTANȚARE", "Stanțare"):
        assert sorted(find(ref_catalog, q)) == ["ASP-9101", "ASP-9102"], q
    for q in ("autorizaţie ştanţ", "autorizație ștanț"):  # the last word as a prefix
        assert sorted(find(ref_catalog, q)) == ["ASP-9101", "ASP-9102"], q


def test_case_and_romanian_diacritics_fold_both_ways(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9103", title={"ro": "Învăţământ şi căsătorie în ţară"}),
            draft("ASP-9104", title={"ro": "INVATAMANT SI CASATORIE IN TARA"}))
    for q in ("învățământ căsătorie țară", "invatamant casatorie tara", "ÎNVĂȚĂMÂNT CĂSĂTORIE",
              "învăţământ casatorie ȚARĂ", "Invatamânt"):
        assert sorted(find(ref_catalog, q)) == ["ASP-9103", "ASP-9104"], q


def test_cyrillic_case_folds_and_russian_demo_texts_are_found(demo: Catalog) -> None:
    for q in ("водительского удостоверения", "ВОДИТЕЛЬСКОГО УДОСТОВЕРЕНИЯ",
              "Водительского удостов"):
        found = find(demo, q)
        assert "ASP-0001" in found, q
    page = demo.search_index.search("выдача водительского", lang="ru")
    assert page.hits[0].code == "ASP-0001"
    title = next(h for h in page.hits[0].highlights if h.field == "title")
    assert title.lang == "ru"
    assert list(marked(title.html)) == ["Выдача", "водительского"]


# --- matching -----------------------------------------------------------------------------
def test_the_last_word_is_a_prefix_the_others_whole(demo: Catalog) -> None:
    publish(demo, draft("ASP-9105", title={"ro": "Certificat de zmeurăritorie"}))
    assert find(demo, "zmeur") == ["ASP-9105"]
    assert find(demo, "zmeurăritorie") == ["ASP-9105"]
    assert find(demo, "zmeurăritorie certificat") == ["ASP-9105"]
    assert find(demo, "zmeurăritorie cert") == ["ASP-9105"]
    assert find(demo, "zmeurăritorie certificatx") == []
    assert find(demo, "zmeur certificat") == []  # only the last word is a prefix
    assert find(demo, "zmeurăritorie certif x") == ["ASP-9105"]  # a lone letter is ignored
    demo_cert = find(demo, "cert")
    assert "ASP-0003" in demo_cert  # "certificatului de naștere"


def test_query_terms_parse_into_words_without_syntax() -> None:
    t = parse_query('"Certificat" AND (naştere* OR NEAR(deces)) -x')
    assert (t.exact, t.prefix) == (("certificat", "nastere"), "deces")  # "x" is dropped
    t = parse_query("certificat de naște")
    assert (t.exact, t.prefix) == (("certificat",), "naste")  # "de" is a stop word
    assert parse_query("certificat de").prefix == "de"  # the word being typed
    assert parse_query("certif x").prefix == "certif"  # a lone letter after words is dropped
    assert parse_query("x").exact == ("x",)
    assert parse_query("*** ((( ^^^").empty


SYNTAX = ['"', "'", "*", "(", ")", ":", "-", "^", "NEAR", "AND", "OR", "NOT", '" * ( ) : - ^',
          "AND OR NOT NEAR", "((", "%_", "\\", "\u0000", "‮"]
SYNTAX_WITH_WORDS = [
    '"cert', "cert*", "(cert", "cert)", "title_ro: cert", "{title_ro}: cert", "cert -permis",
    "NEAR(cert permis)", "cert AND", "cert OR permis", "NOT cert", "-cert", "^cert", "cert:*",
    "cert & permis | !x", "'cert':*", "cert\\", "\u0000cert", "‮cert", "cert\ncert\tcert",
    "a" * MAX_QUERY_CHARS, "ș" * 100, "cert " * 40]


def test_query_syntax_characters_never_reach_the_database(demo: Catalog) -> None:
    for q in SYNTAX:
        page = demo.search_index.search(q)
        assert (page.total, page.hits, page.next_cursor) == (0, (), None), q
    for q in SYNTAX_WITH_WORDS:
        assert demo.search_index.search(q).total >= 0, q
    assert demo.search_index.search('"cert"*').total == demo.search_index.search("cert").total


def test_empty_or_too_long_queries_are_refused_in_both_languages(ref_catalog: Catalog) -> None:
    for q in ("", "   ", "a" * (MAX_QUERY_CHARS + 1)):
        with pytest.raises(InvalidInput) as err:
            ref_catalog.search_index.search(q)
        assert err.value.field == "q"
        assert err.value.message != err.value.message_ro
    with pytest.raises(InvalidInput):
        ref_catalog.search_index.search("cert", lang="fr")
    with pytest.raises(InvalidInput):
        ref_catalog.search_index.search("cert", limit=0)


def test_evidence_and_keywords_are_searched(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9106", title={"ro": "Serviciu simplu"},
                        keywords={"ro": ["pârâiaș"]},
                        evidence={"ro": "Adeverință de la ocolul silvic Zăbriceni",
                                  "en": "Forestry certificate from Zabriceni"}))
    assert find(ref_catalog, "paraias") == ["ASP-9106"]
    assert find(ref_catalog, "zabriceni") == ["ASP-9106"]
    hit = ref_catalog.search_index.search("Zăbriceni").hits[0]
    assert {(h.field, h.lang) for h in hit.highlights} == {("evidence", "ro"),
                                                           ("evidence", "en")}


def test_only_published_services_are_indexed(demo: Catalog) -> None:
    services = len(demo.ledger.published_iris("service"))
    with demo.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_doc")).scalar_one() == services
        kinds = {r[0] for r in conn.execute(text(
            "SELECT DISTINCT r.kind FROM search_doc d JOIN record r ON r.iri = d.iri"))}
    assert kinds == {"service"}
    assert demo.search_index.watermark() == demo.ledger.last_seq()


# --- ranking and highlights ---------------------------------------------------------------
def test_title_matches_rank_above_description_matches(ref_catalog: Catalog) -> None:
    publish(ref_catalog,
            draft("ASP-9107", title={"ro": "Serviciu general"},
                  description={"ro": "Despre cum se deschide o brânzărie la munte."}),
            draft("ASP-9108", title={"ro": "Autorizarea unei brânzării"}),
            draft("ASP-9109", title={"ro": "Alt serviciu"}, keywords={"ro": ["brânzărie"]}))
    page = ref_catalog.search_index.search("branzari")
    assert codes(page) == ["ASP-9108", "ASP-9109", "ASP-9107"]
    assert [h.tier for h in page.hits] == [0, 1, 1]
    assert page.ranked
    scores = [h.score for h in page.hits[1:]]
    assert None not in scores
    assert scores == sorted(scores, reverse=True)  # keywords before description


def test_highlights_keep_the_original_spelling_and_are_html_escaped(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9110", title={"ro": 'Ştampilă <b>&</b> "ŞTAMPILE" noi',
                                           "en": "Stamps & seals"},
                        description={"ro": " ".join(["cuvânt"] * 30 + ["ştampila"] +
                                                    ["altceva"] * 30)}))
    hit = ref_catalog.search_index.search("stampil").hits[0]
    by_field = {h.field: h.html for h in hit.highlights}
    assert by_field["title"] == ("<mark>Ştampilă</mark> &lt;b&gt;&amp;&lt;/b&gt; "
                                 "&quot;<mark>ŞTAMPILE</mark>&quot; noi")
    desc = by_field["description"]
    assert desc.startswith("…")
    assert desc.endswith("…")
    assert "<mark>ştampila</mark>" in desc
    assert len(desc) < 200
    assert hit.title == {"ro": 'Ştampilă <b>&</b> "ŞTAMPILE" noi', "en": "Stamps & seals"}


def test_highlight_marks_whole_words_only() -> None:
    terms = parse_query("cert naștere")
    assert highlight("Certificat de naştere; certificatul", terms) == (
        "Certificat de <mark>naştere</mark>; certificatul")
    assert highlight("Nimic de găsit", terms) is None


def test_the_language_filter_searches_and_highlights_one_language(demo: Catalog) -> None:
    publish(demo, draft("ASP-9111", title={"ro": "Cerere pentru xilofon",
                                           "en": "Application for a xylophone",
                                           "ru": "Заявление на ксилофон"}))
    assert find(demo, "xylophone", lang="en") == ["ASP-9111"]
    assert find(demo, "xylophone", lang="ro") == []
    assert find(demo, "ксилофон", lang="ru") == ["ASP-9111"]
    assert find(demo, "ксилофон", lang="en") == []
    hit = demo.search_index.search("xilofon", lang="ro").hits[0]
    assert {h.lang for h in hit.highlights} == {"ro"}
    assert {h.code for h in demo.search_index.search("driving", lang="en").hits} >= {"ASP-0001"}


# --- pages --------------------------------------------------------------------------------
def test_pages_are_stable_complete_and_without_duplicates(demo: Catalog) -> None:
    index = demo.search_index
    everything = codes(index.search("cert", limit=100))
    assert len(everything) == index.search("cert").total > 20
    for size in (1, 3, 7):
        assert all_pages(index, "cert", size) == everything
    assert all_pages(index, "cert", 5) == all_pages(index, "cert", 5)  # the same each time


def test_broad_tiers_are_paged_in_index_order_completely(demo: Catalog) -> None:
    narrow = SearchIndex(demo.engine, rank_window=3)
    page = narrow.search("cert")
    assert not page.ranked
    assert page.hits[0].score is None
    assert [h.tier for h in page.hits] == sorted(h.tier for h in page.hits)
    full = codes(narrow.search("cert", limit=100))
    assert sorted(full) == sorted(codes(demo.search_index.search("cert", limit=100)))
    for size in (1, 4, 9):
        assert all_pages(narrow, "cert", size) == full
    assert narrow.search("vodi", lang="ru").ranked  # few matches: ranked as usual


def test_a_cursor_belongs_to_its_query(demo: Catalog) -> None:
    page = demo.search_index.search("cert", limit=2)
    assert page.next_cursor
    for q, cursor in (("permis", page.next_cursor), ("cert", "not-a-cursor"),
                      ("cert", page.next_cursor[:-2])):
        with pytest.raises(InvalidInput) as err:
            demo.search_index.search(q, limit=2, cursor=cursor)
        assert err.value.field == "cursor"
    with pytest.raises(InvalidInput):
        demo.search_index.search("cert", lang="ro", limit=2, cursor=page.next_cursor)


# --- following the ledger -----------------------------------------------------------------
def test_withdrawal_removes_a_service_from_results(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9112", title={"ro": "Licență pentru ghiocei"}))
    assert find(ref_catalog, "ghiocei") == ["ASP-9112"]
    before = ref_catalog.search_index.search("licenta").total
    ref_catalog.withdraw(f"{BASE}id/service/ASP-9112", "test")
    assert find(ref_catalog, "ghiocei") == []
    assert ref_catalog.search_index.search("licenta").total == before - 1
    assert ref_catalog.search_index.watermark() == ref_catalog.ledger.last_seq()


def test_a_new_version_replaces_the_old_text(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9113", title={"ro": "Vechiul titlu cu castraveți"}))
    publish(ref_catalog, draft("ASP-9113", title={"ro": "Noul titlu cu dovlecei"}))
    assert find(ref_catalog, "castraveti") == []
    assert find(ref_catalog, "dovlecei") == ["ASP-9113"]
    with ref_catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_doc WHERE code = 'ASP-9113'")
                            ).scalar_one() == 1


def test_rebuild_gives_the_same_results(demo: Catalog) -> None:
    queries = [("cert", None), ("permis de cond", None), ("pensie", "ro"), ("выдача", "ru"),
               ("certificate", "en")]

    def answers(index: SearchIndex) -> list[list[tuple[object, ...]]]:
        return [[(h.code, h.tier, h.score, h.highlights)
                 for h in index.search(q, lang=lang, limit=100).hits] for q, lang in queries]

    def by_rank(pages: list[list[tuple[object, ...]]]) -> list[list[tuple[object, ...]]]:
        return [sorted(p, key=lambda h: (h[1], -h[2], h[0])) for p in pages]  # type: ignore[operator]

    before = answers(demo.search_index)
    demo.rebuild()  # services keep their rows: the very same answers, ties included
    assert answers(demo.search_index) == before
    with demo.engine.begin() as conn:  # from an empty index: the same, ties perhaps reordered
        conn.execute(text("DELETE FROM search_doc"))
        if demo.engine.dialect.name == "sqlite":
            conn.execute(text("DELETE FROM search_fts"))
    assert demo.search_index.search("cert").total == 0
    assert demo.search_index.rebuild(demo.ledger) == len(demo.ledger.published_iris("service"))
    assert by_rank(answers(demo.search_index)) == by_rank(before)
    assert demo.search_index.watermark() == demo.ledger.last_seq()


def test_catch_up_replays_from_the_watermark(ref_catalog: Catalog) -> None:
    publish(ref_catalog, draft("ASP-9114", title={"ro": "Permis de pescuit la știucă"}))
    with ref_catalog.engine.begin() as conn:
        conn.execute(text("UPDATE search_state SET watermark = 0"))
    fresh = SearchIndex(ref_catalog.engine)
    assert fresh.catch_up(ref_catalog.ledger) == ref_catalog.ledger.last_seq()
    assert find(ref_catalog, "stiuca") == ["ASP-9114"]
    assert fresh.catch_up(ref_catalog.ledger) == 0


def test_a_failed_catch_up_leaves_rows_and_watermark_unchanged(
        ref_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    index = ref_catalog.search_index
    mark = index.watermark()

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(index.backend, "insert", broken)
    with pytest.raises(RuntimeError):
        publish(ref_catalog, draft("ASP-9115", title={"ro": "Aviz pentru fluturi"}))
    assert index.watermark() == mark  # the delete of the batch was rolled back with it
    monkeypatch.undo()
    assert find(ref_catalog, "fluturi") == []
    index.catch_up(ref_catalog.ledger)
    assert find(ref_catalog, "fluturi") == ["ASP-9115"]
    assert index.watermark() == ref_catalog.ledger.last_seq()


def test_concurrent_catch_ups_apply_each_change_once(demo: Catalog) -> None:
    with demo.engine.begin() as conn:
        conn.execute(text("UPDATE search_state SET watermark = 0"))
    indexes = [SearchIndex(demo.engine) for _ in range(3)]
    errors: list[BaseException] = []

    def run(index: SearchIndex) -> None:
        try:
            index.catch_up(demo.ledger)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in indexes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with demo.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM search_doc")).scalar_one()
    assert n == len(demo.ledger.published_iris("service"))
    assert demo.search_index.watermark() == demo.ledger.last_seq()


# --- the index is used ---------------------------------------------------------------------
def test_the_match_uses_the_full_text_index(demo: Catalog) -> None:
    if demo.engine.dialect.name == "sqlite":
        plan = " ".join(demo.search_index.explain("cert"))
        assert "search_fts VIRTUAL TABLE INDEX" in plan
        return
    with demo.engine.begin() as conn:  # a few dozen rows: show the planner can use the GIN
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(PostgresBackend().explain(conn, parse_query("cert"), None))
    assert "Bitmap Index Scan on ix_search_doc_tsv" in plan


# --- documents without the ledger, and their limits ----------------------------------------
def test_load_indexes_documents_and_long_texts_stay_within_the_index_limits(
        ledger_settings: Settings) -> None:
    engine = create_db_engine(ledger_settings.resolved_database_url)
    try:
        migrate(engine)
        long_word = "Ş" + "a" * 300
        p = passport("ASP-9120")
        p.title = {"ro": "Cerere " + long_word, "en": "Request"}
        p.description = {"ro": " ".join(["ţarc"] * 20_000)}  # past the indexed length
        p.keywords = {"xx": ["cuvânt fără limbă cunoscută"]}
        index = SearchIndex(engine)
        index.load([SearchDocument.of(p, f"{BASE}id/service/ASP-9120")])
        assert codes(index.search("tarc")) == ["ASP-9120"]
        assert codes(index.search("s" + "a" * 100)) == ["ASP-9120"]  # words cut alike
        assert codes(index.search("cunoscuta")) == ["ASP-9120"]  # language "und"
        assert codes(index.search("cunoscuta", lang="ro")) == []
        assert index.watermark() == 0  # load does not follow the ledger
        literal = tsvector_literal(SearchDocument.of(p, "x"))
        assert literal.count(",") < 300  # at most 255 positions per word
    finally:
        engine.dispose()


def test_fts_expressions_hold_only_quoted_words() -> None:
    terms = parse_query('permis "de" (cond')
    assert fts_expression(terms, "ro", 0) == '{title_ro}: ("permis" AND "cond"*)'
    assert fts_expression(terms, None, 1).startswith("({title_ro keywords_ro")
    assert "NOT ({title_ro title_en title_ru title_und}: " in fts_expression(terms, None, 1)
