"""The processes of the crash runs (``bench.crash``): the hub, `oxigraph serve`, `semcat`
commands, the writing clients, and the count made after a restart.

Everything runs on loopback. A hub is ``semcat serve`` (this environment's) with the run's
``SEMCAT_*`` settings only; a remote store is ``oxigraph serve`` from the same environment.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.corpus import templates
from catalog.records.passport import Passport

BIN = Path(sys.executable).parent
API = "/api/v1/services"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- processes -------------------------------------------------------------------------------
class Oxigraph:
    """`oxigraph serve` on a free loopback port and its own folder."""

    def __init__(self, location: Path) -> None:
        self.location, self.port = location, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", str(self.location), "--bind",
             f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/query", params={"query": "ASK {}"}, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)  # between polls
        raise SystemExit("oxigraph serve did not start in 30 s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@contextmanager
def oxigraph_serving(location: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(location)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def base_env(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without its SEMCAT_* settings, plus ``settings``."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | settings


class Hub:
    """`semcat serve` on a fixed port (the same after a restart), logging to ``log``."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 180) -> float:
        """Start and wait for /health to answer; seconds it took."""
        t0 = time.monotonic()
        self.spawn()
        self.ready(t0, timeout_s)
        return time.monotonic() - t0

    def spawn(self) -> None:
        """Start, without waiting."""
        with self.log.open("ab") as sink:
            self.proc = subprocess.Popen([str(BIN / "semcat"), "serve", "--port", str(self.port)],
                                         env=self.env, stdout=sink, stderr=subprocess.STDOUT)

    def ready(self, t0: float, timeout_s: float) -> None:
        assert self.proc is not None
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise SystemExit(f"semcat serve exited {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code in (200, 503):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # between polls of /health
        raise SystemExit(f"semcat serve did not answer in {timeout_s:g} s: {self.tail()}")

    def answers(self) -> bool:
        try:
            return httpx.get(self.url + "/health", timeout=2).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM (a clean shutdown), SIGKILL after 30 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def caught_up(self, timeout_s: float = 180) -> float:
        """Wait until /health says ok with the store and the search index at lag 0."""
        t0 = time.monotonic()
        body: object = None
        while time.monotonic() - t0 < timeout_s:
            try:
                body = httpx.get(self.url + "/health", timeout=5).json()
                assert isinstance(body, dict)
                if body["store"].get("lag") == 0 and body["search"].get("lag") == 0 \
                        and body["status"] == "ok":
                    return time.monotonic() - t0
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            time.sleep(0.1)  # between polls of /health
        raise SystemExit(f"the hub did not catch up in {timeout_s:g} s: {body}")

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text("utf-8", errors="replace")[-n:]


def semcat(args: list[str], env: dict[str, str], *, check: bool = True
           ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(BIN / "semcat"), *args], env=env, capture_output=True,
                          text=True, check=False, timeout=300)
    if check and done.returncode != 0:
        raise SystemExit(f"semcat {' '.join(args)}: {done.returncode}\n{done.stderr[-3000:]}")
    return done


def tokens(env: dict[str, str]) -> dict[str, dict[str, str]]:
    """`semcat token create` for the publisher of ASP, a reviewer and an admin of AGE (run at
    once), as request headers."""
    wanted = {"publisher": ("ASP", "publisher"), "reviewer": ("AGE", "reviewer"),
              "admin": ("AGE", "admin")}
    procs = {name: subprocess.Popen(
        [str(BIN / "semcat"), "token", "create", "--institution", inst, "--role", role,
         "--author", "bench-crash"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for name, (inst, role) in wanted.items()}
    out: dict[str, dict[str, str]] = {}
    for name, proc in procs.items():
        secret, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            raise SystemExit(f"semcat token create ({name}): {err[-2000:]}")
        out[name] = {"Authorization": f"Bearer {secret.strip()}"}
    return out


# --- passports -------------------------------------------------------------------------------
def asp_passport(code: str, rng: random.Random) -> Passport:
    """A demo passport of ASP (its evidence, costs, channels, legal basis) under ``code``."""
    pool = [t for t in templates() if t.code.startswith("ASP-")]
    t = rng.choice(pool)
    p = t.model_copy(deep=True)
    p.code = code
    p.title = {lang: f"{text} ({code})" for lang, text in t.title.items()}
    for parts in (p.requirements, p.evidence, p.outputs, p.costs, p.channels):
        for part in parts:
            part.identifier = part.identifier.replace(t.code, code)
    return p


def body(p: Passport) -> bytes:
    return p.model_dump_json(exclude_none=True).encode()


# --- the writing clients ---------------------------------------------------------------------
#: the writes of one passport, in the order a client makes them: a draft, submitted,
#: published; then (with ``revise``) a second version put, submitted and published in its
#: place, and the passport withdrawn
STEPS = ("create", "submit", "publish", "put", "submit2", "publish2", "withdraw")


@dataclass
class Acks:
    """Every write that got a 2xx answer: code -> the furthest acknowledged step."""

    steps: dict[str, str] = field(default_factory=dict)
    writes: int = 0  # 2xx answers to writes (a bulk import counts each record it created)
    refused: int = 0  # answers other than 2xx (e.g. 503 while starting)
    unanswered: int = 0  # connection refused, reset or timed out: not acknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, code: str, step: str, n: int = 1) -> None:
        with self.lock:
            self.steps[code] = step
            self.writes += n

    def count(self, what: str) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)


class Writers:
    """``threads`` clients creating, submitting and publishing ASP passports through the HTTP
    API; with ``bulk``, one more client posts bulk imports of ``bulk`` passports, published at
    once. They keep trying through a kill and a restart (on the same port) until stopped."""

    def __init__(self, url: str, auth: dict[str, dict[str, str]], *, threads: int, bulk: int,
                 seed: int, revise: bool = False) -> None:
        self.url, self.auth, self.bulk, self.revise = url, auth, bulk, revise
        self.acks = Acks()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._single, args=(i, seed + i), daemon=True)
                         for i in range(threads)]
        if bulk:
            self._threads.append(threading.Thread(target=self._bulk, args=(threads, seed - 1),
                                                  daemon=True))

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> Acks:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)
        return self.acks

    def _put(self, c: httpx.Client, path: str, **kw: object) -> httpx.Response | None:
        return self._post(c, path, method="PUT", **kw)

    def _post(self, c: httpx.Client, path: str, method: str = "POST", **kw: object
              ) -> httpx.Response | None:
        try:
            r = c.request(method, path, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError:
            self.acks.count("unanswered")
            time.sleep(0.05)  # the hub is down or restarting: try again shortly
            return None
        if not 200 <= r.status_code < 300:
            self.acks.count("refused")
            if r.status_code >= 500:
                time.sleep(0.05)
            return None
        return r

    def _single(self, lane: int, seed: int) -> None:
        rng, n = random.Random(seed), 0
        pub, rev = self.auth["publisher"], self.auth["reviewer"]
        with httpx.Client(base_url=self.url, timeout=30) as c:
            while not self._stop.is_set():
                n += 1
                code = f"ASP-{lane + 1}{n:05d}"
                r = self._post(c, API, content=body(asp_passport(code, rng)),
                               headers={**pub, "Content-Type": "application/json"})
                if r is None:
                    continue
                self.acks.ack(code, "create")
                r = self._post(c, f"{API}/{code}/submit",
                               headers={**pub, "If-Match": r.headers["etag"]})
                if r is None:
                    continue
                self.acks.ack(code, "submit")
                r = self._post(c, f"{API}/{code}/publish",
                               headers={**rev, "If-Match": r.headers["etag"]})
                if r is None:
                    continue
                self.acks.ack(code, "publish")
                if self.revise:
                    self._revise(c, code, r.headers["etag"], rng)

    def _revise(self, c: httpx.Client, code: str, etag: str, rng: random.Random) -> None:
        """A second version in place of the published one (its graph replaced), then, half
        of the time, the passport withdrawn (its graph dropped)."""
        pub, rev = self.auth["publisher"], self.auth["reviewer"]
        p = asp_passport(code, rng)
        p.title = {lang: f"{text}, v2" for lang, text in p.title.items()}
        r = self._put(c, f"{API}/{code}", content=body(p), headers={
            **pub, "Content-Type": "application/json", "If-Match": etag})
        if r is None:
            return
        self.acks.ack(code, "put")
        r = self._post(c, f"{API}/{code}/submit", headers={**pub, "If-Match": r.headers["etag"]})
        if r is None:
            return
        self.acks.ack(code, "submit2")
        r = self._post(c, f"{API}/{code}/publish", headers={**rev, "If-Match": r.headers["etag"]})
        if r is None:
            return
        self.acks.ack(code, "publish2")
        if rng.random() < 0.5:
            r = self._post(c, f"{API}/{code}/withdraw",
                           headers={**rev, "If-Match": r.headers["etag"]})
            if r is not None:
                self.acks.ack(code, "withdraw")

    def _bulk(self, lane: int, seed: int) -> None:
        rng, n = random.Random(seed), 0
        with httpx.Client(base_url=self.url, timeout=60) as c:
            while not self._stop.is_set():
                codes = [f"ASP-{lane + 1}{n + i:05d}" for i in range(1, self.bulk + 1)]
                n += self.bulk
                lines = b"\n".join(body(asp_passport(code, rng)) for code in codes) + b"\n"
                r = self._post(c, "/api/v1/import", params={"mode": "atomic", "publish": "true"},
                               content=lines, headers={**self.auth["admin"],
                                                       "Content-Type": "application/x-ndjson"})
                if r is None:
                    continue
                for rec in r.json()["records"]:
                    if rec["status"] == "created":
                        self.acks.ack(str(rec["iri"]).rsplit("/", 1)[-1], "publish")


def import_file(path: Path, codes: list[str], rng: random.Random) -> None:
    """A JSON Lines file of ASP passports for `semcat import`."""
    path.write_bytes(b"".join(body(asp_passport(c, rng)) + b"\n" for c in codes))


def last_json_line(text: str) -> dict[str, int]:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            got: dict[str, int] = json.loads(line)
            return got
    return {}
