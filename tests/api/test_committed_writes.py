"""A write that committed is acknowledged as committed: with the SPARQL server down, publish
and withdraw answer 200 (never 503), /health shows the projection lagging, and the projector
brings the store up to the ledger once the server is back (a real `oxigraph serve`)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from tests.builders import passport
from tests.conftest import serve_oxigraph
from tests.servers import free_port

API = "/api/v1/services"


class Oxigraph:
    """`oxigraph serve` that a test stops and starts again on the same port and folder."""

    def __init__(self, location: Path) -> None:
        self.location, self.port = location, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._running: ExitStack | None = None

    def start(self) -> None:
        self._running = ExitStack()
        self._running.enter_context(contextmanager(serve_oxigraph)(self.location, self.port))

    def stop(self) -> None:
        if self._running is not None:
            self._running.close()
            self._running = None


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "oxi")
    server.start()
    yield server
    server.stop()


def _ok(r: httpx.Response) -> httpx.Response:
    assert r.status_code in (200, 201), r.text
    return r


def test_writes_committed_while_the_store_is_down_are_acknowledged_and_projected_later(
        tmp_path: Path, oxigraph: Oxigraph) -> None:
    settings = Settings(env="test", data_dir=tmp_path / "data",
                        sparql_url=oxigraph.url + "/query", projector_interval_s=0.1)
    with TestClient(create_app(settings)) as client:
        catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        tokens = Tokens(catalog.engine)
        asp = {"Authorization": f"Bearer {tokens.create('ASP', 'publisher')[1]}"}
        age = {"Authorization": f"Bearer {tokens.create('AGE', 'reviewer')[1]}"}
        codes = ("ASP-9601", "ASP-9602")
        etags = {}
        for code in codes:
            r = _ok(client.post(API, content=passport(code).model_dump_json(),
                                headers={**asp, "Content-Type": "application/json"}))
            etags[code] = _ok(client.post(f"{API}/{code}/submit",
                                          headers={**asp, "If-Match": r.headers["etag"]})
                              ).headers["etag"]
        published = _ok(client.post(f"{API}/ASP-9602/publish",
                                    headers={**age, "If-Match": etags["ASP-9602"]}))
        oxigraph.stop()
        # the store is down: the ledger commits, and the answer says so
        r = client.post(f"{API}/ASP-9601/publish", headers={**age, "If-Match": etags["ASP-9601"]})
        assert (r.status_code, r.json()["status"]) == (200, "published")
        r = client.post(f"{API}/ASP-9602/withdraw",
                        headers={**age, "If-Match": published.headers["etag"]})
        assert (r.status_code, r.json()["status"]) == (200, "withdrawn")
        health = client.get("/health")
        assert health.json()["store"]["status"] != "ok" or health.json()["store"]["lag"] > 0
        assert health.json()["status"] != "ok"
        # the ledger holds what was acknowledged
        versions = client.get(f"{API}/ASP-9601/versions").json()
        assert versions["published_version"] == 1
        oxigraph.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            body = client.get("/health").json()
            if body["status"] == "ok" and body["store"]["lag"] == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"the projector did not catch up: {body}")
        graphs = catalog.store.graph_names()
        assert catalog.service_iri("ASP-9601") in graphs
        assert catalog.service_iri("ASP-9602") not in graphs


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MiB tmpfs mounted for the test (root only), unmounted after."""
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_health_says_degraded_while_the_data_folder_is_full_and_recovers(
        small_disk: Path) -> None:
    settings = Settings(env="test", data_dir=small_disk / "data")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json()["status"] == "ok"
        filler = small_disk / "filler"
        with filler.open("wb") as f:  # fill the disk to the last block
            try:
                while True:
                    f.write(b"\0" * (1 << 20))
                    f.flush()
            except OSError:
                pass
        try:
            body = client.get("/health")
            assert body.status_code == 200  # it still serves reads
            assert body.json()["status"] == "degraded"
            assert body.json()["data_dir"] == {"status": "error"}
            assert "the data folder cannot be written (full, or read-only)" in \
                body.json()["reasons"]
            assert str(small_disk) not in body.text  # no path is shown
        finally:
            filler.unlink()
        assert client.get("/health").json()["status"] == "ok"


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb") as f:  # to the last block
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
        except OSError:
            pass
    return filler


def test_a_write_on_a_full_disk_is_507_writes_nothing_and_works_once_space_returns(
        small_disk: Path) -> None:
    # one big literal fills what is left of the disk in one write
    settings = Settings(env="test", data_dir=small_disk / "data", max_literal_bytes=2 << 20)
    with TestClient(create_app(settings)) as client:
        catalog = client.app.state.catalog  # type: ignore[attr-defined]
        load_reference(catalog)
        asp = {"Authorization": f"Bearer {Tokens(catalog.engine).create('ASP', 'publisher')[1]}",
               "Content-Type": "application/json"}
        big = passport("ASP-9611", description={"ro": "descriere " * 120_000})
        seq, versions = catalog.ledger.last_seq(), catalog.ledger.counts()
        filler = _fill(small_disk)
        try:
            r = client.post(API, content=big.model_dump_json(), headers=asp)
            assert r.status_code == 507, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.headers["retry-after"]
            assert r.json()["code"] == "insufficient_storage"
            assert "nothing was written" in r.json()["detail"]
        finally:
            filler.unlink()
        assert (catalog.ledger.last_seq(), catalog.ledger.counts()) == (seq, versions)
        assert client.get(f"{API}/ASP-9611?version=latest",
                          headers=asp).status_code == 404
        r = client.post(API, content=big.model_dump_json(), headers=asp)
        assert r.status_code == 201, r.text
