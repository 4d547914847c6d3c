"""Who may write what: bearer tokens (issued and revoked by the CLI), the ownership rule on every
write endpoint, the reviewer role, and the audit log of writes and refused attempts."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from api.cli import main
from catalog.workflow.access import Tokens
from catalog.workflow.states import version_etag
from tests.api.publishing_helpers import API, JSON, MERGE, ORG, Hub, Who, body, cnas_passport, error
from tests.builders import passport

pytest_plugins = ["tests.api.conftest_publishing"]
Write = Callable[[dict[str, str]], httpx.Response]


def writes(hub: Hub, code: str, draft_code: str) -> dict[str, Write]:
    """Every write endpoint, aimed at the passport ``code`` (published v1, submitted v2) or at
    the draft ``draft_code``, with the ETag each one must name."""
    c, etag = hub.client, hub.etag(code)
    published = version_etag(code, 1, "published",
                             hub.catalog.ledger.version(hub.iri(code), 1).content_hash)
    url = f"{API}/services/{code}"
    return {
        "create": lambda h: c.post(f"{API}/services", content=body(passport(
            draft_code[:-1] + "9")), headers={**h, **JSON}),
        "replace": lambda h: c.put(url, content=body(passport(code, title_ro="Preluat")),
                                   headers={**h, **JSON, "If-Match": etag}),
        "patch": lambda h: c.patch(url, json={"title": {"ro": "Preluat"}},
                                   headers={**h, **MERGE, "If-Match": etag}),
        "submit": lambda h: hub.move(draft_code, "submit", h, hub.etag(draft_code)),
        "publish": lambda h: hub.move(code, "publish", h, etag),
        "reject": lambda h: hub.move(code, "reject", h, etag, "nu"),
        "withdraw": lambda h: hub.move(code, "withdraw", h, published),
        "import": lambda h: c.post(f"{API}/import", content=body(passport(code, title_ro="X")),
                                   headers={**h, **JSON}),
    }


def submitted_over_published(hub: Hub, who: Who, code: str) -> None:
    etag = hub.published(code, who)
    r = hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro="Doi")),
                       headers={**who.asp, **JSON, "If-Match": etag})
    assert hub.move(code, "submit", who.asp, r.headers["etag"]).status_code == 200


def test_every_write_needs_a_valid_unrevoked_token(hub: Hub, who: Who) -> None:
    submitted_over_published(hub, who, "ASP-9200")
    hub.create("ASP-9201", who.asp)
    token_id, secret = hub.token("ASP")
    Tokens(hub.catalog.engine).revoke(token_id)
    before = hub.snapshot()
    for name, write in writes(hub, "ASP-9200", "ASP-9201").items():
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"},
                        {"Authorization": "Bearer "}, {"Authorization": f"Bearer {secret}"}):
            r = write(headers)
            assert error(r, 401)["code"] == "unauthenticated", (name, headers)
            assert r.headers["www-authenticate"].startswith("Bearer"), name
    assert hub.snapshot() == before
    revoked = hub.client.get(f"{API}/services/ASP-9200",
                             headers={"Authorization": f"Bearer {secret}"})
    assert "revoked" in error(revoked, 401)["message"]["en"]


def test_token_cli_shows_the_token_once_and_revoke_stops_it(
        hub: Hub, who: Who, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(hub.settings.data_dir))
    if hub.settings.database_url:
        monkeypatch.setenv("SEMCAT_DATABASE_URL", hub.settings.database_url)
    assert main(["token", "create", "--institution", "ASP", "--role", "publisher"]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    assert out == secret + "\n"  # the token alone on stdout, so that scripts can capture it
    token_id = int(err.split()[1])
    assert "shown only now" in err
    headers = {"Authorization": f"Bearer {secret}"}
    assert hub.actor(headers) == f"ASP/publisher#{token_id}"
    hub.create("ASP-9210", headers)
    assert main(["token", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"{token_id}\tpublisher\tactive" in listed
    assert secret not in listed  # only its hash is stored
    assert main(["token", "revoke", "--id", str(token_id)]) == 0
    assert capsys.readouterr().out == f"token {token_id} revoked\n"
    r = hub.client.put(f"{API}/services/ASP-9210", content=body(passport("ASP-9210")),
                       headers={**headers, **JSON, "If-Match": hub.etag("ASP-9210")})
    assert r.status_code == 401
    assert hub.versions("ASP-9210") == [(1, "draft")]
    assert main(["token", "list"]) == 0
    assert f"{token_id}\tpublisher\trevoked" in capsys.readouterr().out
    assert [e.action for e in hub.audit(target=f"token:{token_id}")] == [
        "token.create", "token.revoke"]
    assert main(["token", "create", "--institution", "NOPE"]) == 2
    assert "NOPE" in capsys.readouterr().err


WRITES = ("create", "replace", "patch", "submit", "publish", "reject", "withdraw", "import")


@pytest.mark.parametrize("action", WRITES)
def test_another_institution_gets_403_on_every_write_and_nothing_changes(
        hub: Hub, who: Who, action: str) -> None:
    code, draft = f"ASP-922{WRITES.index(action)}", f"ASP-923{WRITES.index(action)}"
    submitted_over_published(hub, who, code)
    hub.create(draft, who.asp)
    before = hub.snapshot()
    seen = {e.id for e in hub.audit()}
    err = error(writes(hub, code, draft)[action](who.cnas), 403)
    assert err["code"] == "forbidden"
    assert hub.snapshot() == before
    assert hub.in_store(code) == hub.content(code, 1)
    [refused] = [e for e in hub.audit() if e.id not in seen]
    assert (refused.action, refused.outcome, refused.actor, refused.institution) == (
        action, "refused", hub.actor(who.cnas), "CNAS")
    assert refused.target in (code, draft, draft[:-1] + "9")
    assert json.loads(refused.detail or "{}")["code"] == "forbidden"


def test_refusals_are_explained_in_romanian_too(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-9238", who.asp).headers["etag"]
    edit = error(hub.client.put(f"{API}/services/ASP-9238", content=body(passport("ASP-9238")),
                                headers={**who.cnas, **JSON, "If-Match": etag}), 403)
    review = error(hub.move("ASP-9238", "publish", who.asp, etag), 403)
    for err in (edit, review):
        assert "ASP-9238" in err["message"]["ro"]
        assert "the passport" not in err["message"]["ro"], err["message"]["ro"]


@pytest.mark.parametrize("caller", ["cnas_reviewer", "anofm"])
def test_other_institutions_may_not_edit_or_submit_a_passport(hub: Hub, who: Who, caller: str
                                                              ) -> None:
    code, draft = f"ASP-924{'01'[caller == 'anofm']}", f"ASP-925{'01'[caller == 'anofm']}"
    submitted_over_published(hub, who, code)
    hub.create(draft, who.asp)
    before = hub.snapshot()
    edits = {k: v for k, v in writes(hub, code, draft).items()
             if k in ("create", "replace", "patch", "submit")}
    got = {name: write(getattr(who, caller)).status_code for name, write in edits.items()}
    assert got == dict.fromkeys(edits, 403)
    assert hub.snapshot() == before


def test_a_publisher_may_not_publish_reject_or_withdraw_its_own_passport(hub: Hub, who: Who
                                                                         ) -> None:
    submitted_over_published(hub, who, "ASP-9255")
    before = hub.snapshot()
    ws = writes(hub, "ASP-9255", "ASP-9255")
    for verb in ("publish", "reject", "withdraw"):
        err = error(ws[verb](who.asp), 403)
        assert (err["field"], err["value"]) == ("role", "publisher"), verb
    assert hub.snapshot() == before
    refused = hub.audit(target="ASP-9255")
    assert [(e.action, e.outcome) for e in refused][-3:] == [
        ("publish", "refused"), ("reject", "refused"), ("withdraw", "refused")]


def test_a_publisher_cannot_give_away_a_passport_nor_write_one_for_another(hub: Hub, who: Who
                                                                           ) -> None:
    etag = hub.create("ASP-9260", who.asp).headers["etag"]
    before = hub.snapshot()
    given = passport("ASP-9260", competent_authority=ORG + "cnas")
    r = hub.client.put(f"{API}/services/ASP-9260", content=body(given),
                       headers={**who.asp, **JSON, "If-Match": etag})
    assert error(r, 403)["field"] == "competent_authority"
    r = hub.client.patch(f"{API}/services/ASP-9260", json={"competent_authority": ORG + "cnas"},
                         headers={**who.asp, **MERGE, "If-Match": etag})
    assert r.status_code == 403
    r = hub.client.post(f"{API}/services", content=body(cnas_passport("CNAS-9260")),
                        headers={**who.asp, **JSON})
    assert r.status_code == 403
    assert hub.snapshot() == before
    assert hub.create(cnas_passport("CNAS-9260"), who.cnas).json()["version"] == 1


def test_an_admin_may_edit_any_institutions_passport(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-9270", who.asp).headers["etag"]
    r = hub.client.put(f"{API}/services/ASP-9270", content=body(passport(
        "ASP-9270", title_ro="Corectat")), headers={**who.admin, **JSON, "If-Match": etag})
    assert r.status_code == 200, r.text
    [entry] = [e for e in hub.audit(target="ASP-9270") if e.action == "replace"]
    assert (entry.actor, entry.institution, entry.role, entry.version_number) == (
        hub.actor(who.admin), "AGE", "admin", 2)


def test_the_audit_log_is_for_admins_and_lists_every_write_in_pages(hub: Hub, who: Who
                                                                    ) -> None:
    code = "ASP-9280"
    start = max(e.id or 0 for e in hub.audit())
    etag = hub.create(code, who.asp).headers["etag"]
    r = hub.client.put(f"{API}/services/{code}", content=body(passport(code, title_ro="Doi")),
                       headers={**who.asp, **JSON, "If-Match": etag})
    r = hub.client.patch(f"{API}/services/{code}", json={"title": {"ro": "Trei"}},
                         headers={**who.asp, **MERGE, "If-Match": r.headers["etag"]})
    r = hub.move(code, "submit", who.asp, r.headers["etag"])
    r = hub.move(code, "publish", who.age, r.headers["etag"], "ok")
    hub.move(code, "withdraw", who.age, r.headers["etag"])
    imported = hub.client.post(f"{API}/import", content=body(passport("ASP-9281")),
                               headers={**who.asp, **JSON})
    assert imported.status_code == 200, imported.text

    assert hub.client.get(f"{API}/audit").status_code == 401
    for caller in (who.asp, who.age, who.cnas_reviewer):
        assert error(hub.client.get(f"{API}/audit", headers=caller), 403)["value"] != "admin"
    page = hub.client.get(f"{API}/audit", params={"target": code}, headers=who.admin).json()
    asp, age = hub.actor(who.asp), hub.actor(who.age)
    assert [(e["action"], e["actor"], e["version"], e["outcome"]) for e in page["entries"]] == [
        ("create", asp, 1, "ok"), ("replace", asp, 2, "ok"), ("patch", asp, 3, "ok"),
        ("submit", asp, 3, "ok"), ("publish", age, 3, "ok"), ("withdraw", age, 3, "ok")]
    assert page["entries"][4]["detail"] == {"reason": "ok"}
    assert [(e["institution"], e["role"]) for e in page["entries"]][-1] == ("AGE", "reviewer")
    [entry] = hub.client.get(f"{API}/audit", params={"target": "ASP-9281"},
                             headers=who.admin).json()["entries"]
    assert (entry["action"], entry["actor"], entry["version"]) == ("import", asp, 1)

    everything = [e.id for e in hub.audit(after=start)]
    assert len(everything) == 7  # the seven writes above
    seen: list[int] = []
    pages = 0
    url: str | None = f"{API}/audit?after={start}&limit=3"
    while url:
        page = hub.client.get(url, headers=who.admin).json()
        assert len(page["entries"]) <= 3
        seen += [e["id"] for e in page["entries"]]
        url, pages = page["next"], pages + 1
    assert seen == everything
    assert pages >= 3


def test_a_draft_only_record_is_as_missing_for_another_institution(hub: Hub, who: Who) -> None:
    code = "ASP-9290"
    assert hub.create(passport(code), who.asp).status_code == 201
    url = f"{API}/services/{code}"
    for reader in ({}, who.cnas):
        draft_only = hub.client.get(url, headers=reader)
        nothing = hub.client.get(f"{API}/services/ASP-9291", headers=reader)
        assert (draft_only.status_code, nothing.status_code) == (404, 404)
        assert error(draft_only, 404)["message"]["en"].replace("9290", "N") == \
            error(nothing, 404)["message"]["en"].replace("9291", "N")
    assert hub.client.get(url, headers=who.asp).status_code == 404  # not published: said so
    assert error(hub.client.get(url, headers=who.asp), 404)["message"]["en"] == (
        f"no published service with code '{code}'")
