"""The institutions' pages in process: /my lists only the institution's own passports, the
desk's forms refuse what a reviewer got wrong with a page that says why (no reason, a stale
version, a reason too long) and change nothing, a first version shows every field it brings,
and a diff's rows are named in each language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.pages import my
from api.pages.diff_view import field_name
from api.pages.session import COOKIE
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from catalog.workflow.desk import Desk
from catalog.workflow.sessions import Sessions, csrf_token
from tests.api.publishing_helpers import Hub, Who, cnas_passport, fresh_hub
from tests.builders import passport

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Hub, Who]]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("desk") / "data",
                        query_workers=1)
    with fresh_hub(settings) as hub:
        who = Who(asp=hub.bearer("ASP"), asp_reviewer=hub.bearer("ASP", "reviewer"),
                  cnas=hub.bearer("CNAS"), cnas_reviewer=hub.bearer("CNAS", "reviewer"),
                  anofm=hub.bearer("ANOFM"), age=hub.bearer("AGE", "reviewer"),
                  admin=hub.bearer("AGE", "admin"))
        hub.published("ASP-9801", who)
        hub.published(cnas_passport("CNAS-9801"), who)
        # a CNAS draft ASP must never see
        hub.create(cnas_passport("CNAS-9802", title_ro="Ciornă CNAS secretă"), who.cnas)
        # an ASP submission for the desk
        r = hub.client.put("/api/v1/services/ASP-9801",
                           content=passport("ASP-9801", "Titlu nou").model_dump_json(),
                           headers={**who.asp, "If-Match": hub.etag("ASP-9801"),
                                    "Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        assert hub.move("ASP-9801", "submit", who.asp, r.headers["etag"]).status_code == 200
        yield hub, who


def _session(hub: Hub, institution: str, role: str = "publisher") -> str:
    _, secret = Tokens(hub.catalog.engine).create(institution, role)
    session_id = Sessions(hub.catalog.engine, 600).open(secret).session_id
    hub.client.cookies.set(COOKIE, session_id)
    return session_id


def test_my_lists_only_the_institutions_own_passports(desk: tuple[Hub, Who]) -> None:
    hub, _ = desk
    _session(hub, "ASP")
    page = hub.client.get("/my?lang=en").text
    codes = set(re.findall(r'data-code="([^"]+)"', page))
    assert "ASP-9801" in codes
    assert not any(c.startswith("CNAS-") for c in codes)
    assert "Ciornă CNAS secretă" not in page
    # another institution's passport, a draft or published, is as absent as none
    absent = hub.client.get("/my/services/CNAS-9899/history?lang=en")
    assert absent.status_code == 404
    for path in ("/my/services/CNAS-9802/history", "/my/services/CNAS-9801/diff?from=1&to=1"):
        r = hub.client.get(path.replace("?", "?lang=en&") if "?" in path else path + "?lang=en")
        assert r.status_code == 404, path
        code = path.split("/")[3]
        assert r.text.replace(code, "CODE").split("<main")[1] == \
            absent.text.replace("CNAS-9899", "CODE").split("<main")[1], path
    _session(hub, "CNAS")
    page = hub.client.get("/my?lang=ro").text
    assert "Ciornă CNAS secretă" in page
    assert "ciornă" in page
    assert hub.client.get("/my/services/CNAS-9802/history").status_code == 200


def test_the_desk_refuses_a_send_back_without_a_reason(desk: tuple[Hub, Who]) -> None:
    hub, _ = desk
    sid = _session(hub, "AGE", "reviewer")
    etag = hub.etag("ASP-9801")
    r = hub.client.post("/review/services/ASP-9801/send-back?lang=en", headers=FORM,
                        data={"csrf": csrf_token(sid), "etag": etag, "reason": "  "})
    assert r.status_code == 400
    assert "Write why it is sent back." in r.text
    assert hub.etag("ASP-9801") == etag  # nothing changed
    r = hub.client.post("/review/services/ASP-9801/send-back?lang=en", headers=FORM,
                        data={"csrf": csrf_token(sid), "etag": etag, "reason": "x" * 2001})
    assert r.status_code == 400
    assert "at most 2000" in r.text
    assert hub.etag("ASP-9801") == etag


def test_the_desk_refuses_a_decision_on_a_version_it_did_not_show(desk: tuple[Hub, Who]
                                                                  ) -> None:
    hub, _ = desk
    sid = _session(hub, "AGE", "reviewer")
    etag = hub.etag("ASP-9801")
    stale = etag.replace(".submitted.", ".draft.")
    r = hub.client.post("/review/services/ASP-9801/publish?lang=en", headers=FORM,
                        data={"csrf": csrf_token(sid), "etag": stale})
    assert r.status_code == 412
    assert 'class="desk-error"' in r.text
    assert hub.etag("ASP-9801") == etag


def test_a_publisher_cannot_decide(desk: tuple[Hub, Who]) -> None:
    hub, _ = desk
    sid = _session(hub, "ASP")
    r = hub.client.post("/review/services/ASP-9801/publish", headers=FORM,
                        data={"csrf": csrf_token(sid), "etag": hub.etag("ASP-9801")})
    assert r.status_code == 403
    assert hub.versions("ASP-9801")[-1] == (2, "submitted")


def test_the_desk_shows_the_submission_against_the_published_version(
        desk: tuple[Hub, Who]) -> None:
    hub, _ = desk
    _session(hub, "AGE", "reviewer")
    queue = hub.client.get("/review?lang=en").text
    assert 'data-code="ASP-9801"' in queue
    page = hub.client.get("/review/services/ASP-9801?lang=en").text
    assert "Title (ro)" in page
    assert "Titlu nou" in page
    assert 'name="etag"' in page


def test_a_first_version_shows_every_field_it_brings(desk: tuple[Hub, Who]) -> None:
    hub, who = desk
    etag = hub.create(passport("ASP-9802", "Serviciu cu totul nou"), who.asp).headers["etag"]
    assert hub.move("ASP-9802", "submit", who.asp, etag).status_code == 200
    _session(hub, "AGE", "reviewer")
    page = hub.client.get("/review/services/ASP-9802?lang=en").text
    assert "A first version: nothing is published yet." in page
    added = re.findall(r'desk-change-added">\s*<strong>([^<]+)</strong>', page)
    assert {"Code", "Title (ro)", "Competent authority"} <= set(added)
    assert "Serviciu cu totul nou" in page
    assert "desk-change-changed" not in page
    assert "desk-change-removed" not in page


@pytest.mark.parametrize(("path", "lang", "name"), [
    ("title.ro", "en", "Title (ro)"),
    ("title.ro", "ru", "Название (ro)"),
    ("legal_resources", "ro", "Temeiul juridic"),
    ("evidence[e1].obtained_by_authority", "ru", "Необходимый документ: запрашивается органом "
                                                 "из реестра"),
    ("costs[c1].value", "en", "Cost: value"),
])
def test_diff_rows_are_named_in_the_page_language(path: str, lang: str, name: str) -> None:
    assert field_name(path, lang).startswith(name)


def test_my_shows_one_page_of_passports_with_the_counts_of_every_state(
        desk: tuple[Hub, Who], monkeypatch: pytest.MonkeyPatch) -> None:
    hub, who = desk
    monkeypatch.setattr(my, "MY_PAGE", 2)
    for n in range(3):
        hub.create(passport(f"ASP-98{20 + n}", f"Ciornă {n}"), who.asp)
    _session(hub, "ASP")
    asp = next(i.id for i in hub.catalog.ledger.institutions() if i.code == "ASP")
    states = Desk(hub.catalog).states(asp or 0)
    total = sum(states.values())
    assert states["draft"] >= 3
    assert total >= 5
    pages = -(-total // 2)
    seen: list[str] = []
    for number in range(1, pages + 1):
        page = hub.client.get(f"/my?lang=en&page={number}").text
        codes = re.findall(r'data-code="([^"]+)"', page)
        assert len(codes) == (2 if number < pages else total - 2 * (pages - 1))
        seen += codes
        assert f"draft</span> {states['draft']}" in page  # the whole institution's count
        assert (f'id="next" href="/my?page={number + 1}&amp;lang=en"' in page) == \
            (number < pages)
        assert ('id="previous"' in page) == (number > 1)
    assert len(seen) == len(set(seen)) == total  # every passport once, newest first
    assert seen[0] == "ASP-9822"
    last = hub.client.get(f"/my?lang=en&page={pages + 3}").text
    assert re.findall(r'data-code="([^"]+)"', last) == seen[2 * (pages - 1):]
