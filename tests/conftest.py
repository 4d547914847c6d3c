"""Shared fixtures: settings in temporary folders, the two ledger back ends, a real
``oxigraph serve`` process, the ../shared material, headless Chromium, and a guard that keeps
tests on loopback."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from catalog.core import Catalog
from catalog.settings import Settings
from tests.servers import free_port, postgres_database

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "external"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package `chromium`
_KEEP_ENV = {"SEMCAT_REQUIRE_POSTGRES", "SEMCAT_REQUIRE_SHARED", "SEMCAT_REQUIRE_BROWSER",
             "SEMCAT_TEST_POSTGRES_URL"}


# --- hermetic environment -----------------------------------------------------------------
@pytest.fixture(autouse=True)
def _clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("SEMCAT_") and key not in _KEEP_ENV:
            monkeypatch.delenv(key)


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = str(address[0])
        try:
            ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = False
        if not ok:
            raise OSError(f"tests may only connect to loopback addresses, not {host}")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# --- settings and catalogs ----------------------------------------------------------------
@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(env="test", data_dir=tmp_path / "data")


# --- PostgreSQL ---------------------------------------------------------------------------
@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the local PostgreSQL server, dropped afterwards."""
    with postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings on each ledger back end in turn."""
    if request.param == "sqlite":
        return Settings(env="test", data_dir=tmp_path / "data")
    url = request.getfixturevalue("postgres_url")
    return Settings(env="test", data_dir=tmp_path / "data", database_url=url)


# --- a real SPARQL server -----------------------------------------------------------------
def serve_oxigraph(location: Path, port: int | None = None) -> Iterator[str]:
    """`oxigraph serve` on ``location`` and ``port`` (a free loopback port by default);
    yields its base URL."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.fail("the `oxigraph` command (PyPI package oxigraph) is not installed")
    port = port or free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("oxigraph serve did not start")
    try:
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """`oxigraph serve` on a free loopback port; yields its base URL."""
    yield from serve_oxigraph(tmp_path / "oxi")


@pytest.fixture
def remote_settings(tmp_path: Path, oxigraph_server: str) -> Settings:
    return Settings(env="test", data_dir=tmp_path / "data",
                    sparql_url=oxigraph_server + "/query")


# --- ../shared material -------------------------------------------------------------------
@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        if os.environ.get("SEMCAT_REQUIRE_SHARED") == "1":
            pytest.fail(f"{SHARED} is required in CI but absent")
        pytest.skip(f"{SHARED} is absent (these tests read the official shapes and suites)")
    return SHARED


# --- headless Chromium ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium() -> Path:
    """The browser of the browser tests; they skip where it is absent, or fail when
    SEMCAT_REQUIRE_BROWSER=1 (as in .ci/run, which installs it)."""
    if not CHROMIUM.exists():
        if os.environ.get("SEMCAT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"headless Chromium is required here but absent at {CHROMIUM} "
                        "(Debian package `chromium`)")
        pytest.skip(f"headless Chromium is not installed at {CHROMIUM}")
    return CHROMIUM


# --- catalogs with the shipped reference data -----------------------------------------------
def open_catalog(s: Settings) -> Catalog:
    """A catalog on ``s`` with the code lists, organisations, locations and legal acts loaded."""
    from catalog.demo import load_reference

    cat = Catalog(s)
    load_reference(cat)
    return cat


@pytest.fixture
def ref_catalog(ledger_settings: Settings) -> Iterator[Catalog]:
    """A catalog with the reference data, on each ledger back end in turn."""
    cat = open_catalog(ledger_settings)
    yield cat
    cat.close()


@pytest.fixture
def sqlite_catalog(settings: Settings) -> Iterator[Catalog]:
    cat = open_catalog(settings)
    yield cat
    cat.close()
