"""Crash runs: SIGKILL during writes, during bulk imports and during a `semcat rebuild`, on
SQLite and PostgreSQL, with the embedded store and a remote `oxigraph serve`.

    python -m bench.crash [--trials 1] [--kills 3] [--scenarios writes,import,rebuild]
                          [--ledgers sqlite,postgres] [--stores embedded,remote]
                          [--clients 3] [--seed 1] [--no-readme]

Each trial has a fresh data folder (and a fresh PostgreSQL database on
``SEMCAT_BENCH_POSTGRES_URL``, default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
dropped after; and a fresh `oxigraph serve` folder for the remote store). It starts
``semcat serve`` with ``SEMCAT_LOAD_DEMO=true``, takes tokens with `semcat token create`, and
runs client threads that create, submit and publish passports through the HTTP API, counting
every write that got a 2xx answer as acknowledged. Then, by scenario:

- **writes**: SIGKILL the hub at a random moment (one more client posts bulk imports of 5
  passports, published at once, so a kill also lands in those); restart it on the same port
  while the clients keep trying; ``--kills`` times;
- **import**: while the hub serves the clients, `semcat import --publish` of a JSON Lines file
  runs to its end (timed), then another file's import is SIGKILLed at a random moment of a
  like span; its records must be all in the ledger or none (all or nothing), and the same
  import run again completes; ``--kills`` files;
- **rebuild**: SIGKILL the hub, start `semcat rebuild`, SIGKILL it at a random moment after
  it marked the store as rebuilding; restart the hub (it makes the rebuild again) while the
  clients keep trying; ``--kills`` times.

After the last restart the clients write a little longer and stop; once /health says ok with the
store and the search index at lag 0, the hub stops and the count is made on the ledger, the
store and the search index themselves (``bench.crash_check``): acknowledged writes lost (not
in the ledger), store graphs that differ from the ledger's published versions (triple for
triple, and the watermark), search index mismatches (watermark, documents), and the ledger's
own integrity. The table is printed and written to bench/README.md ("Crash runs").
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, text

from bench.crash_check import Count, count, merge, open_store
from bench.crash_rig import (
    BIN,
    Acks,
    Hub,
    Oxigraph,
    Writers,
    base_env,
    import_file,
    last_json_line,
    oxigraph_serving,
    semcat,
    tokens,
)
from bench.publish import postgres_database
from catalog.ledger.db import create_db_engine

README = Path(__file__).parent / "README.md"
SECTION = "## Crash runs"
BEGIN, END = "<!-- crash:begin (python -m bench.crash) -->", "<!-- crash:end -->"


@contextmanager
def ledger_url(kind: str, data_dir: Path) -> Iterator[str]:
    if kind == "postgres":
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{data_dir / 'ledger.sqlite3'}"


class Trial:
    """One trial: a hub on fresh data, its tokens, and what the scenario records."""

    def __init__(self, hub: Hub, env: dict[str, str], database_url: str,
                 auth: dict[str, dict[str, str]], rng: random.Random, tmp: Path,
                 args: argparse.Namespace) -> None:
        self.hub, self.env, self.database_url, self.auth = hub, env, database_url, auth
        self.rng, self.tmp, self.args = rng, tmp, args
        self.acks: list[Any] = []  # Acks of each group of clients, and of the imports
        self.notes: list[str] = []
        self.kills = 0  # SIGKILLs sent
        self.landed = 0  # of which hit a process still working
        self.restart_s: list[float] = []
        self.where: list[str] = []  # where each kill of the import or the rebuild landed
        self.oxigraph: Oxigraph | None = None  # the remote store's server, if any

    def writers(self, bulk: int = 0, revise: bool = False) -> Writers:
        w = Writers(self.hub.url, self.auth, threads=self.args.clients, bulk=bulk,
                    seed=self.rng.randrange(1 << 30), revise=revise)
        w.start()
        return w

    def restart(self) -> None:
        self.restart_s.append(self.hub.start())


# --- scenarios -------------------------------------------------------------------------------
def writes(t: Trial, revise: bool = False) -> None:
    w = t.writers(bulk=5, revise=revise)
    for k in range(t.args.kills):
        if k % 2 == 1 and t.restart_s:  # every second time, one more kill while it starts
            time.sleep(t.rng.uniform(0.5, t.args.window))
            t.hub.kill()
            t.kills += 1
            t.landed += 1
            t.where.append("hub serving")
            t.hub.spawn()
            time.sleep(t.rng.uniform(0.3, 1.0) * statistics.median(t.restart_s))
            t.where.append("hub serving" if t.hub.answers() else "hub starting")
        else:
            time.sleep(t.rng.uniform(0.5, t.args.window))
            t.where.append("hub serving")
        t.hub.kill()
        t.kills += 1
        t.landed += 1
        t.restart()  # the clients keep trying meanwhile
    time.sleep(1.0)  # the clients write to the restarted hub
    t.acks.append(w.stop())


def _imported(t: Trial, codes: list[str]) -> int:
    engine = create_db_engine(t.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT COUNT(*) FROM record WHERE kind = 'service' AND code IN :codes"
            ).bindparams(bindparam("codes", expanding=True)),
                {"codes": codes}).scalar_one())
    finally:
        engine.dispose()


def _import(t: Trial, path: Path, codes: list[str]) -> None:
    done = semcat(["import", "--publish", "--author", "bench-crash", str(path)], t.env)
    summary = last_json_line(done.stdout)
    if summary.get("created", 0) + summary.get("unchanged", 0) != len(codes):
        raise SystemExit(f"semcat import {path.name}: {done.stdout[-2000:]}")
    acks = Acks()
    for code in codes:
        acks.ack(code, "publish")
    t.acks.append(acks)


def import_(t: Trial) -> None:
    w = t.writers()
    size = t.args.import_size
    files = []
    for i in range(t.args.kills + 1):
        codes = [f"ASP-9{i}{n:04d}" for n in range(1, size + 1)]
        path = t.tmp / f"import-{i}.jsonl"
        import_file(path, codes, t.rng)
        files.append((path, codes))
    t0 = time.monotonic()
    _import(t, *files[0])
    span = time.monotonic() - t0
    for k, (path, codes) in enumerate(files[1:]):
        alone = k % 2 == 1  # every second import runs with the hub stopped: it projects
        if alone:
            t.hub.stop()
        with (t.tmp / "import.log").open("ab") as sink:
            proc = subprocess.Popen([str(BIN / "semcat"), "import", "--publish", "--author",
                                     "bench-crash", str(path)], env=t.env, stdout=sink,
                                    stderr=sink)
        time.sleep(t.rng.uniform(0.1, 1.0) * span)
        t.kills += 1
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            t.landed += 1
        proc.wait(timeout=60)
        present = _imported(t, codes)
        if present not in (0, len(codes)):
            t.notes.append(f"killed import half-written: {present} of {len(codes)} records")
        t.where.append(("import alone, " if alone else "import beside the hub, ")
                       + ("committed" if present else "not committed"))
        _import(t, path, codes)  # the operator runs it again
        if alone:
            t.restart()
    time.sleep(0.5)
    t.acks.append(w.stop())


def _rebuilding(conn: Connection) -> bool:
    """The store is marked as being rebuilt (a rebuild started and has not finished)."""
    row = conn.execute(text("SELECT rebuilding FROM projection_lease WHERE name = 'store'")
                       ).first()
    conn.rollback()
    return bool(row and row[0])


def rebuild(t: Trial) -> None:
    engine = create_db_engine(t.database_url)
    try:
        with engine.connect() as conn:
            _rebuilds(t, lambda: _rebuilding(conn))
    finally:
        engine.dispose()


def _rebuilds(t: Trial, probe: Callable[[], bool]) -> None:
    if t.args.rebuild_extra:  # more graphs than one batch of the rebuild (500)
        codes = [f"ASP-8{n:05d}" for n in range(1, t.args.rebuild_extra + 1)]
        import_file(t.tmp / "extra.jsonl", codes, t.rng)
        _import(t, t.tmp / "extra.jsonl", codes)
    w = t.writers()
    for _ in range(t.args.kills):
        time.sleep(t.rng.uniform(1.0, t.args.window))
        t.hub.kill()
        t.kills += 1
        t.landed += 1
        with (t.tmp / "rebuild.log").open("ab") as sink:
            proc = subprocess.Popen([str(BIN / "semcat"), "rebuild"], env=t.env, stdout=sink,
                                    stderr=sink)
        deadline = time.monotonic() + 120
        while proc.poll() is None and not probe() and time.monotonic() < deadline:
            time.sleep(0.005)  # polls the mark the rebuild sets when it starts writing
        time.sleep(t.rng.uniform(0.0, t.args.rebuild_window))
        t.kills += 1
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            t.landed += 1
        proc.wait(timeout=60)
        if proc.returncode not in (0, -signal.SIGKILL):
            t.notes.append(f"semcat rebuild exited {proc.returncode}: "
                           f"{(t.tmp / 'rebuild.log').read_text()[-500:]}")
        t.where.append("mid-rebuild (left marked)" if probe() else "rebuild done")
        t.restart()  # it makes the rebuild again; the clients keep trying meanwhile
    time.sleep(1.0)
    t.acks.append(w.stop())


def store_server(t: Trial) -> None:
    """SIGKILL `oxigraph serve` (the remote store) during the writes; start it again on the same
    port and folder a moment later. The hub keeps acknowledging what its ledger commits."""
    assert t.oxigraph is not None
    w = t.writers(bulk=5)
    for _ in range(t.args.kills):
        time.sleep(t.rng.uniform(0.5, t.args.window))
        t.oxigraph.stop()  # SIGKILL
        t.kills += 1
        t.landed += 1
        time.sleep(t.rng.uniform(0.2, 1.5))  # writes while the store is down
        t0 = time.monotonic()
        t.oxigraph.start()
        t.restart_s.append(time.monotonic() - t0)
    time.sleep(1.0)
    t.acks.append(w.stop())


SCENARIOS: dict[str, Callable[[Trial], None]] = {
    "writes": writes, "import": import_, "rebuild": rebuild, "store": store_server,
    # as "writes", with new versions published in place of the first and withdrawals
    "revisions": lambda t: writes(t, revise=True)}


def unexpected_tracebacks(log: str) -> int:
    """Tracebacks in a hub's log that end in anything but a store that cannot be reached (the
    projector logs one each time it retries while `oxigraph serve` is down) or a query worker
    that found its hub gone."""
    parts = log.split("Traceback (most recent call last):")[1:]
    count = 0
    for part in parts:
        lines = [ln for ln in part.splitlines() if ln.strip()]
        if lines and lines[-1].startswith(("The above exception", "During handling")):
            continue  # the cause of the next traceback: that one says how it ended
        last = next((ln for ln in lines if not ln[0].isspace()), "")
        if last.startswith(("catalog.errors.StoreUnavailable", "catalog.errors.StoreInDoubt")):
            continue  # unreachable, or an update without an answer in time (verified later)
        if last.startswith("BrokenPipeError") and "in _worker_main" in part:
            continue  # a query worker of a hub killed while starting: its parent is gone
        count += 1
    return count


# --- a trial ---------------------------------------------------------------------------------
def run_trial(scenario: str, ledger: str, store: str, seed: int, args: argparse.Namespace
              ) -> dict[str, Any]:
    rng = random.Random(seed)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"semcat-crash-{scenario}-") as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        remote = oxigraph_serving(tmp / "oxigraph") if store == "remote" else nullcontext()
        with ledger_url(ledger, data) as database_url, remote as oxi:
            settings = {"SEMCAT_DATA_DIR": str(data), "SEMCAT_LOAD_DEMO": "true",
                        "SEMCAT_PROJECTOR_INTERVAL_S": "0.2"}
            if ledger == "postgres":
                settings["SEMCAT_DATABASE_URL"] = database_url
            if oxi is not None:
                settings["SEMCAT_SPARQL_URL"] = oxi.url + "/query"
            env = base_env(settings)
            hub = Hub(env, tmp / "hub.log")
            try:
                first_start = hub.start()
                t = Trial(hub, env, database_url, tokens(env), rng, tmp, args)
                t.oxigraph = oxi
                SCENARIOS[scenario](t)
                try:
                    catch_up = hub.caught_up()
                except SystemExit as exc:  # counted below: the projections stayed behind
                    catch_up = float("nan")
                    t.notes.append(str(exc)[:300])
            except BaseException:
                print(f"hub log:\n{hub.tail()}", file=sys.stderr)
                raise
            finally:
                hub.stop()
            unexpected = unexpected_tracebacks(hub.tail(10**8))
            if unexpected:
                t.notes.append(f"the hub logged {unexpected} traceback(s) other than an "
                               "unreachable store (see its log)")
            steps, n = merge(t.acks)
            quads = open_store(settings.get("SEMCAT_SPARQL_URL"), str(data / "store"))
            try:
                c: Count = count(database_url, quads, steps, n)
            finally:
                quads.close()
            if c.lost or c.divergent or c.search or c.anomalies or t.notes:
                keep = Path(tempfile.mkdtemp(prefix="semcat-crash-kept-"))
                subprocess.run(["cp", "-a", str(tmp) + "/.", str(keep)], check=False)
                t.notes.append(f"data kept in {keep}")
    unanswered = sum(a.unanswered for a in t.acks)
    refused = sum(a.refused for a in t.acks)
    return {"scenario": scenario, "ledger": ledger, "store": store, "seed": seed,
            "acknowledged": c.acknowledged, "passports": len(steps), "lost": c.lost,
            "divergent": c.divergent, "search": c.search, "anomalies": c.anomalies,
            "graphs": c.graphs, "last_seq": c.last_seq, "kills": t.kills, "landed": t.landed,
            "unanswered": unanswered, "refused": refused, "first_start_s": round(first_start, 1),
            "restart_s": [round(s, 1) for s in t.restart_s],
            "catch_up_s": round(catch_up, 2), "seconds": round(time.monotonic() - began),
            "where": t.where, "notes": t.notes}


# --- the table -------------------------------------------------------------------------------
def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| scenario | ledger | store | trials | SIGKILLs (hit a working process) | "
             "acknowledged writes | lost | divergent graphs (of compared) | search index "
             "mismatches | ledger anomalies | restart median | the killed import / rebuild |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["scenario"], r["ledger"], r["store"]), []).append(r)
    for (scenario, ledger, store), rs in groups.items():
        restarts = [s for r in rs for s in r["restart_s"] if s]
        restart = f"{statistics.median(restarts):.1f} s" if restarts else "–"
        landed: dict[str, int] = {}
        for r in rs:
            for w in r["where"]:
                landed[w] = landed.get(w, 0) + 1
        where = ", ".join(f"{w}: {n}" for w, n in sorted(landed.items())) or "–"
        lines.append(
            f"| {scenario} | {ledger} | {store} | {len(rs)} | {sum(r['kills'] for r in rs)} "
            f"({sum(r['landed'] for r in rs)}) | {sum(r['acknowledged'] for r in rs)} | "
            f"{sum(len(r['lost']) for r in rs)} | {sum(len(r['divergent']) for r in rs)} "
            f"(of {sum(r['graphs'] for r in rs)}) | {sum(len(r['search']) for r in rs)} | "
            f"{sum(len(r['anomalies']) for r in rs)} | {restart} | {where} |")
    return "\n".join(lines)


def machine() -> str:
    import pyoxigraph
    import sqlalchemy

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, pyoxigraph and "
            f"oxigraph serve {pyoxigraph.__version__}, SQLAlchemy {sqlalchemy.__version__}")


def write_readme(results: str) -> None:
    """Put ``results`` between the markers of the "Crash runs" section (made when absent);
    the rest of the section is prose kept as it is."""
    old = README.read_text("utf-8")
    block = f"{BEGIN}\n{results.strip()}\n{END}"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + f"\n\n{SECTION} (`python -m bench.crash`)\n\n{block}\n"
    README.write_text(new, "utf-8")


def results_text(rows: list[dict[str, Any]], args: argparse.Namespace,
                 loads: tuple[float, float]) -> str:
    day = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    found = [f"- {r['scenario']}/{r['ledger']}/{r['store']} seed {r['seed']}: " + "; ".join(
        r["lost"][:3] + r["divergent"][:3] + r["search"][:3] + r["anomalies"] + r["notes"])
        for r in rows if r["lost"] or r["divergent"] or r["search"] or r["anomalies"]
        or r["notes"]]
    return "\n".join([
        f"Machine: {machine()}; PostgreSQL on the same machine. Measured {day}: "
        f"{args.trials} trial(s) per scenario (the SIGKILLs of each in the table), "
        f"{args.clients} writing clients, seed "
        f"{args.seed}; {sum(r.get('seconds', 0) for r in rows) / 60:.1f} min in all; "
        f"1-minute load average {loads[0]:.1f} before, "
        f"{loads[1]:.1f} after (a shared machine).", "", table(rows), "",
        *(["Trials with a finding:", "", *found] if found else
          ["No trial lost an acknowledged write or left the store or the search index apart "
           "from the ledger."])])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=1,
                    help="trials per scenario, each on fresh data")
    ap.add_argument("--kills", type=int, default=3, help="SIGKILLs per trial (the rebuild "
                    "scenario sends two each: the hub, then the rebuild)")
    ap.add_argument("--scenarios", default="writes,import,rebuild,store")
    ap.add_argument("--ledgers", default="sqlite,postgres")
    ap.add_argument("--stores", default="embedded,remote")
    ap.add_argument("--clients", type=int, default=3, help="client threads that write")
    ap.add_argument("--window", type=float, default=3.0,
                    help="the hub is killed within this many seconds of the first write")
    ap.add_argument("--rebuild-window", type=float, default=2.0,
                    help="the rebuild is killed within this many seconds of its mark")
    ap.add_argument("--import-size", type=int, default=100, help="passports per import file")
    ap.add_argument("--rebuild-extra", type=int, default=450,
                    help="passports imported before the rebuild scenario, so that the store "
                    "is rebuilt in more than one batch")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-readme", action="store_true", help="do not write bench/README.md")
    ap.add_argument("--resume", action="store_true", help="keep the trials of bench/out/"
                    "crash.json (same scenario, back ends and seed) and run the others")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up servers, databases
    out = Path(__file__).parent / "out"
    rows: list[dict[str, Any]] = []
    if args.resume and (out / "crash.json").exists():  # the trials of an interrupted run
        rows = json.loads((out / "crash.json").read_text())
    load0 = os.getloadavg()[0]
    plan = [(scenario, ledger, store)
            for scenario in args.scenarios.split(",") for ledger in args.ledgers.split(",")
            for store in args.stores.split(",") if scenario != "store" or store == "remote"]
    out.mkdir(exist_ok=True)
    text_ = ""
    # a trial's seed is its place among every combination, whatever the run selects
    every = [(sc, le, st) for sc in SCENARIOS for le in ("sqlite", "postgres")
             for st in ("embedded", "remote") if sc != "store" or st == "remote"]
    for scenario, ledger, store in plan:  # "store" only remote: the embedded one dies with
        for trial in range(args.trials):  # the hub, which is "writes"
            seed = args.seed + 1 + every.index((scenario, ledger, store)) * args.trials + trial
            if any((r["scenario"], r["ledger"], r["store"], r["seed"])
                   == (scenario, ledger, store, seed) for r in rows):
                continue  # done before the run was interrupted (--resume)
            r = run_trial(scenario, ledger, store, seed, args)
            rows.append(r)
            print(f"{scenario}/{ledger}/{store} seed {seed}: {r['acknowledged']} acked, "
                  f"{len(r['lost'])} lost, {len(r['divergent'])} divergent, "
                  f"{len(r['search'])} search, {len(r['anomalies'])} anomalies, "
                  f"restart {r['restart_s']} s, {r['where']} {' '.join(r['notes'])}",
                  flush=True)
            (out / "crash.json").write_text(json.dumps(rows, indent=2))
            done = len(rows) >= len(plan) * args.trials
            text_ = results_text(rows, args, (load0, os.getloadavg()[0]))
            if not done:
                text_ = (f"(partial: {len(rows)} of {len(plan) * args.trials} trials so far)"
                         f"\n\n{text_}")
            if not args.no_readme:
                write_readme(text_)
    print(text_)

if __name__ == "__main__":
    main()
