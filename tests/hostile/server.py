"""The hub the hostile cases run against: `semcat serve` in a subprocess (SQLite ledger, embedded
store, the demo loaded, the access log on), tokens made with `semcat token create`, the records
the cases aim at (see :mod:`tests.hostile.cases`), and what a case must leave as it was: the
ledger (read from its database file, read-only), the store (a hash of every quad, read through
the Graph Store Protocol and SPARQL) and the server's resident memory."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import httpx

from tests.builders import passport
from tests.hostile import bodies as b
from tests.hostile.cases import FORMULA, Ctx
from tests.servers import Served, start_semcat

ROOT = Path(__file__).resolve().parents[2]
#: the ledger's rows a refused request must leave as they were (audit: successful writes only;
#: a refused write is audited on purpose)
LEDGER = {
    "last_seq": "SELECT max(seq) FROM change",
    "records": "SELECT iri, latest_version, published_version FROM record ORDER BY iri",
    "versions": "SELECT record_id, number, status, content_hash FROM version "
                "ORDER BY record_id, number",
    "transitions": "SELECT count(*) FROM transition",
    "audited_writes": "SELECT count(*) FROM audit WHERE outcome = 'ok'",
    "idempotency": "SELECT count(*) FROM idempotency",
    "tokens": "SELECT id, revoked_at FROM token ORDER BY id",
    "search": "SELECT count(*) FROM search_doc",
}
#: the store's quads per graph (with a nonce: an answer cached by watermark could hide a change)
GRAPHS = ("SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g "
          "ORDER BY ?g # {nonce}")
_nonce = count()


@dataclass
class Hub:
    served: Served
    ctx: Ctx
    ledger: Path

    @property
    def pid(self) -> int:
        return self.served.proc.pid

    def rss_kib(self) -> int:
        """The server's resident memory (VmRSS), in KiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        [line] = [ln for ln in status.splitlines() if ln.startswith("VmRSS:")]
        return int(line.split()[1])

    def snapshot(self) -> dict[str, object]:
        """The ledger's rows and a hash of the store's quads."""
        with closing(sqlite3.connect(f"file:{self.ledger}?mode=ro", uri=True)) as db:
            state: dict[str, object] = {k: db.execute(q).fetchall() for k, q in LEDGER.items()}
        with httpx.Client(base_url=self.ctx.url, timeout=60) as c:
            health = c.get("/health").json()
            union = c.get("/graph-store", params={"default": ""},
                          headers={"Accept": "application/n-triples"})
            graphs = c.get("/sparql", params={"query": GRAPHS.format(nonce=next(_nonce))},
                           headers={"Accept": "text/csv"})
        assert union.status_code == graphs.status_code == 200, (union.text, graphs.text)
        lines = sorted(union.content.splitlines())
        state["store"] = hashlib.sha256(b"\n".join(lines)).hexdigest(), len(lines)
        state["graphs"] = hashlib.sha256(graphs.content).hexdigest()
        state["watermark"] = health["store"]["watermark"], health["search"]["watermark"]
        return state


def _semcat(env: dict[str, str], *args: str) -> tuple[str, str]:
    """The command line's stdout and stderr."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | env
    done = subprocess.run([str(Path(sys.executable).parent / "semcat"), *args], env=full,
                          capture_output=True, text=True, check=True, timeout=120)
    return done.stdout.strip(), done.stderr


def _setup(c: httpx.Client, tokens: dict[str, str]) -> dict[str, str]:
    """The records the cases aim at; their ETags (``ASP-7002@1``: its published version)."""
    def who(name: str, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}", **more}

    def ok(r: httpx.Response) -> str:
        assert r.status_code in (200, 201), r.text
        return r.headers["etag"]

    def create(name: str, data: bytes, media: str = "application/json") -> str:
        return ok(c.post("/api/v1/services", content=data, headers=who(name, **{
            "Content-Type": media})))

    def move(code: str, verb: str, name: str, etag: str) -> str:
        return ok(c.post(f"/api/v1/services/{code}/{verb}", headers=who(name, **{
            "If-Match": etag})))

    def publish(code: str, etag: str) -> str:
        return move(code, "publish", "age", move(code, "submit", "asp", etag))

    etags = {"ASP-7001": create("asp", b.as_json(passport("ASP-7001")))}
    etags["ASP-7002@1"] = publish("ASP-7002", create("asp", b.as_json(passport("ASP-7002"))))
    etags["ASP-7002"] = ok(c.put("/api/v1/services/ASP-7002", content=b.as_json(passport(
        "ASP-7002", title_ro="Ciornă")), headers=who("asp", **{
            "Content-Type": "application/json", "If-Match": etags["ASP-7002@1"]})))
    etags["CNAS-7003"] = create("cnas", b.as_json(b.cnas("CNAS-7003")))
    etags["ASP-7004"] = publish("ASP-7004", create("asp", b.csv(passport(
        "ASP-7004", title_ro=FORMULA)), "text/csv"))
    return etags


@contextmanager
def hostile_hub(tmp: Path, **settings: str) -> Iterator[Hub]:
    data = tmp / "data"
    env = {"SEMCAT_DATA_DIR": str(data), "SEMCAT_LOAD_DEMO": "true", "SEMCAT_ACCESS_LOG": "true",
           "SEMCAT_QUERY_WORKERS": "1", "PYTHONPATH": str(ROOT)} | {
        f"SEMCAT_{k.upper()}": v for k, v in settings.items()}
    served = start_semcat(tmp / "serve.log", env, timeout_s=240)  # the demo loads first
    try:
        tokens: dict[str, str] = {}
        for name, inst, role in [("asp", "ASP", "publisher"), ("cnas", "CNAS", "publisher"),
                                 ("cnas_reviewer", "CNAS", "reviewer"),
                                 ("age", "AGE", "reviewer"), ("revoked", "ASP", "publisher")]:
            tokens[name], said = _semcat(env, "token", "create", "--institution", inst,
                                         "--role", role)
        _semcat(env, "token", "revoke", "--id", said.split()[1])  # "token N for ASP ..."
        tokens["forged"] = "sc_" + "A" * 43
        with httpx.Client(base_url=served.url, timeout=60) as c:
            etags = _setup(c, tokens)
        ctx = Ctx(served.url, int(served.url.rsplit(":", 1)[1]), tokens, etags)
        yield Hub(served, ctx, data / "ledger.sqlite3")
    finally:
        served.stop()
