"""Eight writers racing on the same passports through a real `semcat serve`: every write the
server acknowledges is in the ledger at the version it named, no version number is used twice,
a stale `If-Match` is a clean 412 that leaves nothing behind, and the store ends in step with
the ledger — on the SQLite ledger and on PostgreSQL."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.ledger import Ledger
from catalog.ledger.db import create_db_engine
from catalog.settings import Settings
from catalog.store.embedded import EmbeddedStore
from catalog.workflow.access import Tokens
from tests.builders import passport
from tests.factories import assert_store_matches_ledger
from tests.servers import start_semcat

pytestmark = pytest.mark.slow

PASSPORTS = 50
HOT = 5  # half of the picks go to these, so that writers really collide
WRITERS = 8
DURATION_S = 20.0
MARKER = re.compile(r'"Titlu (w\d+n\d+)"@ro')
#: the one 409 a writer may retry: two writers took the same version number
RETRY_409 = "a concurrent write used the same version number; retry"


# --- the server -----------------------------------------------------------------------------
@dataclass
class Hub:
    url: str
    settings: Settings
    proc: subprocess.Popen[bytes]
    log: Path
    asp: dict[str, str]  # the owner's publisher token
    age: dict[str, str]  # a reviewer of the e-government agency


def _settings(tmp: Path, database_url: str | None) -> Settings:
    return Settings(env="test", data_dir=tmp / "data", database_url=database_url)


def _tokens(settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """Reference data and two tokens, written before the server opens the store."""
    cat = Catalog(settings)
    try:
        load_reference(cat)
        tokens = Tokens(cat.engine)
        asp = tokens.create("ASP", "publisher")[1]
        age = tokens.create("AGE", "reviewer")[1]
    finally:
        cat.close()
    return {"Authorization": f"Bearer {asp}"}, {"Authorization": f"Bearer {age}"}


def _start(settings: Settings, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    env = {"SEMCAT_ENV": "test", "SEMCAT_DATA_DIR": str(settings.data_dir),
           "SEMCAT_QUERY_WORKERS": "1"}
    if settings.database_url:
        env["SEMCAT_DATABASE_URL"] = settings.database_url
    served = start_semcat(log, env)
    return served.url, served.proc


def _stop(hub: Hub) -> int:
    if hub.proc.poll() is None:
        hub.proc.terminate()
        try:
            return hub.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            hub.proc.kill()
            hub.proc.wait()
            pytest.fail("semcat serve did not stop within 20 s of SIGTERM")
    return hub.proc.returncode


@pytest.fixture(params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    url_ = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    settings = _settings(tmp_path, url_)
    asp, age = _tokens(settings)
    url, proc = _start(settings, tmp_path / "serve.log")
    h = Hub(url, settings, proc, tmp_path / "serve.log", asp, age)
    try:
        yield h
    finally:
        _stop(h)


# --- what the clients saw -------------------------------------------------------------------
@dataclass
class Seen:
    """Everything one client was told, kept by that client's thread only."""

    statuses: Counter[int] = field(default_factory=Counter)
    #: code, marker, the version the server gave, the version its If-Match named
    acked: list[tuple[str, str, int, int]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # code, marker (412/409)
    published: list[tuple[str, int]] = field(default_factory=list)  # code, version, in order
    submitted: list[tuple[str, int]] = field(default_factory=list)
    retried_409: int = 0
    unexpected: list[str] = field(default_factory=list)


def _retryable(seen: Seen, what: str, r: httpx.Response) -> bool:
    """412, or the documented 409 of a lost version-number race: read again and retry."""
    seen.statuses[r.status_code] += 1
    if r.status_code == 412:
        assert r.json()["error"]["code"] == "precondition_failed"
        return True
    if r.status_code == 409 and r.json()["error"]["message"]["en"] == RETRY_409:
        seen.retried_409 += 1
        return True
    seen.unexpected.append(f"{what}: {r.status_code} {r.text[:300]}")
    return False


def _pick(rng: random.Random, codes: list[str]) -> str:
    return rng.choice(codes[:HOT]) if rng.random() < 0.5 else rng.choice(codes)


def _writer(wid: int, hub: Hub, codes: list[str], deadline: float, seen: Seen) -> None:
    """Loop until the deadline: read the latest version, PUT a new one, retry on 412."""
    rng = random.Random(wid)
    attempt = 0
    with httpx.Client(base_url=hub.url, headers=hub.asp, timeout=30) as c:
        while time.monotonic() < deadline:
            code = _pick(rng, codes)
            while time.monotonic() < deadline:
                got = c.get(f"/api/v1/services/{code}", params={"version": "latest"})
                seen.statuses[got.status_code] += 1
                if got.status_code != 200:
                    seen.unexpected.append(f"GET {code}: {got.status_code} {got.text[:300]}")
                    return
                attempt += 1
                marker = f"w{wid}n{attempt}"  # one per attempt: a refused one must stay out
                body = passport(code, title_ro=f"Titlu {marker}").model_dump_json()
                r = c.put(f"/api/v1/services/{code}", content=body,
                          headers={"If-Match": got.headers["etag"],
                                   "Content-Type": "application/json"})
                if r.status_code == 200:
                    seen.statuses[200] += 1
                    assert r.json()["status"] == "draft"
                    assert r.headers["etag"].startswith(f'"{code}.{r.json()["version"]}.')
                    seen.acked.append((code, marker, r.json()["version"],
                                       int(got.headers["x-version"])))
                    break
                seen.refused.append((code, marker))
                if not _retryable(seen, f"PUT {code}", r):
                    return


def _reviewer(hub: Hub, codes: list[str], deadline: float, seen: Seen) -> None:
    """Meanwhile: the owner submits the latest draft and the reviewer publishes it."""
    rng = random.Random(99)
    with httpx.Client(base_url=hub.url, timeout=30) as c:
        while time.monotonic() < deadline:
            code = _pick(rng, codes)
            got = c.get(f"/api/v1/services/{code}", params={"version": "latest"},
                        headers=hub.asp)
            seen.statuses[got.status_code] += 1
            if got.status_code != 200:
                seen.unexpected.append(f"GET {code}: {got.status_code} {got.text[:300]}")
                return
            if got.headers["x-version-status"] != "draft":
                continue
            sub = c.post(f"/api/v1/services/{code}/submit", headers={
                **hub.asp, "If-Match": got.headers["etag"]})
            if sub.status_code != 200:
                _retryable(seen, f"submit {code}", sub)
                continue
            seen.statuses[200] += 1
            seen.submitted.append((code, sub.json()["version"]))
            pub = c.post(f"/api/v1/services/{code}/publish", headers={
                **hub.age, "If-Match": sub.headers["etag"]})
            if pub.status_code != 200:
                _retryable(seen, f"publish {code}", pub)
                continue
            seen.statuses[200] += 1
            assert pub.json()["published_version"] == sub.json()["version"]
            seen.published.append((code, pub.json()["version"]))


def _create_and_publish(hub: Hub, code: str) -> None:
    with httpx.Client(base_url=hub.url, timeout=30) as c:
        r = c.post("/api/v1/services", content=passport(
            code, title_ro=f"Serviciul {code}").model_dump_json(),
            headers={**hub.asp, "Content-Type": "application/json"})
        assert r.status_code == 201, r.text
        r = c.post(f"/api/v1/services/{code}/submit",
                   headers={**hub.asp, "If-Match": r.headers["etag"]})
        assert r.status_code == 200, r.text
        r = c.post(f"/api/v1/services/{code}/publish",
                   headers={**hub.age, "If-Match": r.headers["etag"]})
        assert r.status_code == 200, r.text
        assert r.json()["published_version"] == 1


def _publish_latest(hub: Hub, code: str, seen: Seen) -> None:
    """After the race: submit and publish the latest version (nobody else writes now)."""
    with httpx.Client(base_url=hub.url, timeout=30) as c:
        got = c.get(f"/api/v1/services/{code}", params={"version": "latest"}, headers=hub.asp)
        assert got.status_code == 200
        if got.headers["x-version-status"] == "published":
            return
        if got.headers["x-version-status"] == "draft":
            sub = c.post(f"/api/v1/services/{code}/submit",
                         headers={**hub.asp, "If-Match": got.headers["etag"]})
            assert sub.status_code == 200, sub.text
            seen.submitted.append((code, sub.json()["version"]))
            etag = sub.headers["etag"]
        else:
            etag = got.headers["etag"]
        pub = c.post(f"/api/v1/services/{code}/publish",
                     headers={**hub.age, "If-Match": etag})
        assert pub.status_code == 200, pub.text
        seen.published.append((code, pub.json()["version"]))


# --- the test -------------------------------------------------------------------------------
def _ledger_rows(settings: Settings) -> tuple[dict[str, list[tuple[int, str, str]]],
                                              dict[str, int | None], Counter[tuple[str, str]],
                                              Counter[str]]:
    """code -> [(number, status, content)], code -> published version, (code, to) -> count
    of transitions, code -> count of publish changes."""
    engine = create_db_engine(settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            versions: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
            for code, number, status, content in conn.execute(text(
                    "SELECT r.code, v.number, v.status, v.content FROM record r JOIN version v "
                    "ON v.record_id = r.id WHERE r.kind = 'service' ORDER BY r.code, v.id")):
                versions[code].append((number, status, content))
            published: dict[str, int | None] = {code: n for code, n in conn.execute(text(  # noqa: C416
                "SELECT code, published_version FROM record WHERE kind = 'service'"))}
            moves: Counter[tuple[str, str]] = Counter()
            for code, to, n in conn.execute(text(
                    "SELECT r.code, t.to_status, COUNT(*) FROM transition t JOIN record r "
                    "ON r.id = t.record_id GROUP BY r.code, t.to_status")):
                moves[(code, to)] = n
            changes: Counter[str] = Counter()
            for code, n in conn.execute(text(
                    'SELECT r.code, COUNT(*) FROM "change" c'
                    " JOIN record r ON r.id = c.record_id "
                    "WHERE c.op = 'publish' AND r.kind = 'service' GROUP BY r.code")):
                changes[code] = n
    finally:
        engine.dispose()
    return versions, published, moves, changes


def test_eight_writers_lose_nothing_and_never_reuse_a_version(hub: Hub) -> None:
    started = time.monotonic()
    codes = [f"ASP-{7000 + i}" for i in range(PASSPORTS)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda code: _create_and_publish(hub, code), codes))
    setup_s = time.monotonic() - started

    seen = [Seen() for _ in range(WRITERS + 1)]
    deadline = time.monotonic() + DURATION_S
    failures: list[BaseException] = []

    def guarded(target: object, *args: object) -> None:
        try:
            target(*args)  # type: ignore[operator]
        except BaseException as exc:  # an assertion or a transport error in a client
            failures.append(exc)

    threads = [threading.Thread(target=guarded, args=(_writer, w, hub, codes, deadline,
                                                      seen[w])) for w in range(WRITERS)]
    threads.append(threading.Thread(target=guarded, args=(_reviewer, hub, codes, deadline,
                                                          seen[WRITERS])))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DURATION_S + 60)
    assert not any(t.is_alive() for t in threads), "a client is still running"
    race_s = time.monotonic() - started - setup_s
    assert not failures, failures
    final = Seen()
    for code in codes[:HOT] + codes[-5:]:  # publish some of the latest drafts at the end
        _publish_latest(hub, code, final)
    seen.append(final)

    # what the clients were told
    statuses: Counter[int] = sum((s.statuses for s in seen), Counter())
    unexpected = [u for s in seen for u in s.unexpected]
    assert not unexpected, unexpected[:5]
    assert not [c for c in statuses if c >= 500], statuses
    assert set(statuses) <= {200, 409, 412}, statuses
    acked = [a for s in seen for a in s.acked]
    refused = [r for s in seen for r in s.refused]
    assert len(acked) > 100, f"only {len(acked)} writes in {DURATION_S} s"
    assert statuses[412] > 0, "no writer ever collided: the race did not happen"

    # the server's own projection is complete before it stops (polled, not waited for)
    poll_until = time.monotonic() + 10
    while (health := httpx.get(hub.url + "/health").json())["store"]["lag"] and \
            time.monotonic() < poll_until:
        time.sleep(0.05)
    assert health["store"]["lag"] == 0, health
    assert _stop(hub) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
    log = hub.log.read_text(errors="replace")
    assert "Application shutdown complete." in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]

    # the ledger: versions 1..n, each acknowledged marker exactly where the server said
    versions, published, moves, changes = _ledger_rows(hub.settings)
    assert sorted(versions) == sorted(codes)
    # If-Match held: every acknowledged PUT is the version right after the one it named
    assert [a for a in acked if a[2] != a[3] + 1] == []
    acks_per_code = Counter(code for code, _m, _v, _b in acked)
    where: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, rows in versions.items():
        numbers = [n for n, _s, _c in rows]
        assert numbers == list(range(1, len(rows) + 1)), f"{code}: versions {numbers}"
        assert len(rows) == 1 + acks_per_code[code], (code, len(rows), acks_per_code[code])
        for n, _status, content in rows:
            found = MARKER.findall(content)
            assert len(found) == (0 if n == 1 else 1), (code, n, found)
            for m in found:
                where[m].append((code, n))
    assert len(where) == len(acked)  # no marker twice, none the server did not acknowledge
    for code, marker, number, _base in acked:
        assert where[marker] == [(code, number)], (marker, where.get(marker), number)
    assert not [m for _c, m in refused if m in where], "a refused write was stored"

    # the workflow: one transition per acknowledged move, one change per publication
    pubs = [p for s in seen for p in s.published]
    subs = Counter(c for s in seen for c, _v in s.submitted)
    last_pub = dict.fromkeys(codes, 1) | dict(pubs)
    for code in codes:
        assert moves[(code, "draft")] == 1 + acks_per_code[code], code
        assert moves[(code, "submitted")] == 1 + subs[code], code
        n_pubs = sum(1 for c, _v in pubs if c == code)
        assert moves[(code, "published")] == 1 + n_pubs, code
        assert changes[code] == 1 + n_pubs, code
        assert published[code] == last_pub[code], (code, published[code], last_pub[code])
        statuses_of = {n: s for n, s, _c in versions[code]}
        assert statuses_of[last_pub[code]] == "published"
        latest = len(versions[code])
        assert all(s == "superseded" for n, s in statuses_of.items()
                   if n not in (latest, last_pub[code])), (code, statuses_of)

    # the store: the server left exactly the published versions, at the ledger's last change
    settings = hub.settings
    raw = EmbeddedStore(settings.resolved_store_path)
    engine = create_db_engine(settings.resolved_database_url)
    try:
        assert_store_matches_ledger(Ledger(engine), raw)  # before any catch-up of ours
    finally:
        raw.close()
        engine.dispose()
    cat = Catalog(settings)
    try:
        assert cat.store is not None
        assert_store_matches_ledger(cat.ledger, cat.store)
    finally:
        cat.close()

    backend = "postgres" if settings.database_url else "sqlite"
    print(json.dumps({"backend": backend, "setup_s": round(setup_s, 1),
                      "race_s": round(race_s, 1), "acknowledged_puts": len(acked),
                      "412": statuses[412], "409_retried": sum(s.retried_409 for s in seen),
                      "publications_during_race": len(seen[WRITERS].published),
                      "total_s": round(time.monotonic() - started, 1)}))
