"""``Idempotency-Key`` on POST: a retry gets the first answer and writes nothing; a key is bound
to its request and scoped to the caller's institution; a key in flight is 409."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from catalog.ledger.idempotency import IdempotencyRecord
from tests.api.publishing_helpers import API, JSON, Hub, Who, body, cnas_passport, error
from tests.builders import passport

pytest_plugins = ["tests.api.conftest_publishing"]


def key(k: str) -> dict[str, str]:
    return {"Idempotency-Key": f"{k}-{datetime.now(UTC).timestamp()}"}


def test_a_retried_create_gets_the_first_answer_and_creates_nothing(hub: Hub, who: Who) -> None:
    k, data = key("create"), body(passport("ASP-9300"))
    first = hub.client.post(f"{API}/services", content=data, headers={**who.asp, **JSON, **k})
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    other_asp_token = hub.bearer("ASP")  # the key belongs to the institution, not the token
    before = hub.snapshot()
    for caller in (who.asp, who.asp, other_asp_token):
        again = hub.client.post(f"{API}/services", content=data, headers={**caller, **JSON, **k})
        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["location"] == first.headers["location"]
    assert hub.snapshot() == before
    assert hub.versions("ASP-9300") == [(1, "draft")]
    assert [e.action for e in hub.audit(target="ASP-9300")] == ["create"]
    without_key = hub.client.post(f"{API}/services", content=data, headers={**who.asp, **JSON})
    assert without_key.status_code == 409  # what the key spared the retry


def test_the_same_key_for_another_request_is_422_and_writes_nothing(hub: Hub, who: Who) -> None:
    k = key("reused")
    assert hub.client.post(f"{API}/services", content=body(passport("ASP-9301")),
                           headers={**who.asp, **JSON, **k}).status_code == 201
    before = hub.snapshot()
    other = hub.client.post(f"{API}/services", content=body(passport("ASP-9302")),
                            headers={**who.asp, **JSON, **k})
    err = error(other, 422)
    assert (err["code"], err["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    elsewhere = hub.client.post(f"{API}/services/ASP-9301/submit",
                                headers={**who.asp, **k, "If-Match": hub.etag("ASP-9301")})
    assert error(elsewhere, 422)["code"] == "idempotency_key_reused"
    assert hub.snapshot() == before
    assert hub.catalog.ledger.record_iri("service", "ASP-9302") is None


def test_keys_are_scoped_to_the_institution(hub: Hub, who: Who) -> None:
    k, data = key("shared"), body(passport("ASP-9303"))
    mine = hub.client.post(f"{API}/services", content=data, headers={**who.asp, **JSON, **k})
    assert mine.status_code == 201, mine.text
    before = hub.snapshot()
    # the very request ASP made, with ASP's key: CNAS gets its own answer, not ASP's
    copied = hub.client.post(f"{API}/services", content=data, headers={**who.cnas, **JSON, **k})
    assert copied.status_code == 403, copied.text
    assert "idempotent-replayed" not in copied.headers
    assert hub.snapshot() == before
    theirs = hub.client.post(f"{API}/services", content=body(cnas_passport("CNAS-9303")),
                             headers={**who.cnas, **JSON, **k})
    assert theirs.status_code == 201, theirs.text  # not 422: another institution's key space
    assert "idempotent-replayed" not in theirs.headers
    assert hub.versions("CNAS-9303") == [(1, "draft")]
    assert hub.versions("ASP-9303") == [(1, "draft")]


def test_a_key_whose_first_request_is_in_flight_is_409_until_that_request_dies(
        hub: Hub, who: Who, monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.workflow.publishing import Publishing

    data, k = body(passport("ASP-9304")), key("flight")
    entered, go_on = threading.Event(), threading.Event()
    create = Publishing.create

    def slow_create(self: Publishing, *args: Any, **kwargs: Any) -> Any:
        entered.set()
        assert go_on.wait(30)
        return create(self, *args, **kwargs)

    monkeypatch.setattr(Publishing, "create", slow_create)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(hub.client.post, f"{API}/services", content=data,
                            headers={**who.asp, **JSON, **k})
        assert entered.wait(30)  # the first request holds the key, its write not yet done
        try:
            before = hub.snapshot()
            busy = hub.client.post(f"{API}/services", content=data,
                                   headers={**who.asp, **JSON, **k})
            assert error(busy, 409)["code"] == "idempotency_key_in_flight"
            assert "retry" in error(busy, 409)["message"]["en"]
            assert hub.snapshot() == before
            assert hub.catalog.ledger.record_iri("service", "ASP-9304") is None
            with Session(hub.catalog.engine) as s:
                claim = s.exec(select(IdempotencyRecord).where(
                    IdempotencyRecord.key == k["Idempotency-Key"])).one()
                assert claim.state == "in_flight"
        finally:
            go_on.set()
        assert first.result().status_code == 201
    monkeypatch.undo()
    again = hub.client.post(f"{API}/services", content=data, headers={**who.asp, **JSON, **k})
    assert (again.status_code, again.headers.get("idempotent-replayed")) == (201, "true")
    # a claim whose request died long ago (no answer after a minute) is taken over
    dead = key("dead")
    with Session(hub.catalog.engine) as s:
        s.add(IdempotencyRecord(institution_id=claim.institution_id, key=dead["Idempotency-Key"],
                                request_hash=claim.request_hash, state="in_flight",
                                created_at=datetime.now(UTC) - timedelta(minutes=5)))
        s.commit()
    taken = hub.client.post(f"{API}/services", content=data, headers={**who.asp, **JSON, **dead})
    assert taken.status_code == 409  # the passport exists now: the retry ran for real
    assert "idempotent-replayed" not in taken.headers
    assert hub.versions("ASP-9304") == [(1, "draft")]


def test_retried_transitions_move_the_passport_once(hub: Hub, who: Who) -> None:
    etag = hub.create("ASP-9305", who.asp).headers["etag"]
    sk, pk = key("submit"), key("publish")
    first = hub.move("ASP-9305", "submit", who.asp, etag, "gata", **sk)
    assert first.status_code == 200, first.text
    again = hub.move("ASP-9305", "submit", who.asp, etag, "gata", **sk)
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    published = hub.move("ASP-9305", "publish", who.age, first.headers["etag"], **pk)
    assert published.status_code == 200, published.text
    before = hub.snapshot()
    replay = hub.move("ASP-9305", "publish", who.age, first.headers["etag"], **pk)
    assert (replay.status_code, replay.json()) == (200, published.json())
    assert replay.headers["etag"] == published.headers["etag"]
    assert hub.snapshot() == before
    assert hub.changes("ASP-9305") == [("publish", 1)]
    assert [t[2] for t in hub.transitions("ASP-9305")] == ["draft", "submitted", "published"]
    assert error(hub.move("ASP-9305", "submit", who.asp, etag, "altceva", **sk),
                 422)["code"] == "idempotency_key_reused"


def test_a_retried_import_gets_the_first_report_and_imports_nothing(hub: Hub, who: Who) -> None:
    data = b"\n".join(body(passport(c)) for c in ("ASP-9306", "ASP-9307"))
    k = key("import")
    first = hub.client.post(f"{API}/import", content=data,
                            headers={**who.asp, "Content-Type": "application/x-ndjson", **k})
    assert first.status_code == 200, first.text
    assert first.json()["summary"]["created"] == 2
    before = hub.snapshot()
    again = hub.client.post(f"{API}/import", content=data,
                            headers={**who.asp, "Content-Type": "application/x-ndjson", **k})
    assert again.status_code == 200
    assert again.json() == first.json()  # the first report: "created", not "unchanged"
    assert again.headers["idempotent-replayed"] == "true"
    assert hub.snapshot() == before
    changed = hub.client.post(f"{API}/import", content=body(passport("ASP-9308")),
                              headers={**who.asp, **JSON, **k})
    assert error(changed, 422)["code"] == "idempotency_key_reused"
    assert hub.catalog.ledger.record_iri("service", "ASP-9308") is None


def test_a_failed_request_leaves_its_key_free_and_answers_are_not_kept(hub: Hub, who: Who
                                                                       ) -> None:
    k = key("failed")
    bad = passport("ASP-9309").model_copy(update={"legal_resources": []})
    for _ in range(2):
        r = hub.client.post(f"{API}/services", content=body(bad), headers={**who.asp, **JSON, **k})
        assert r.status_code == 422
        assert "idempotent-replayed" not in r.headers
    with Session(hub.catalog.engine) as s:
        assert s.exec(select(IdempotencyRecord).where(
            IdempotencyRecord.key == k["Idempotency-Key"])).first() is None


@pytest.mark.parametrize("bad_key", ["with space", "x" * 256, ""])
def test_an_unusable_key_is_400(hub: Hub, who: Who, bad_key: str) -> None:
    before = hub.snapshot()
    r = hub.client.post(f"{API}/services", content=body(passport("ASP-9310")),
                        headers={**who.asp, **JSON, "Idempotency-Key": bad_key})
    assert error(r, 400)["field"] == "Idempotency-Key"
    assert hub.snapshot() == before
