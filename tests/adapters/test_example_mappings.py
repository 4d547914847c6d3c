"""The REST and SOAP example mappings of ``adapters/examples/`` run as docs/adapters.md says:
`semcat adapter check` on the files as shipped, and a dry run against the example registries
served by ``python -m tests.adapters.registries`` (here on a free port: the copy run differs
from the shipped file by the port alone)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.cli import main
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.settings import Settings
from tests.adapters.registries import EXAMPLE_PORT, EXAMPLE_TOKEN, PERSONS
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "adapters" / "examples"
REST = EXAMPLES / "registry-rest-passports.yaml"
SOAP = EXAMPLES / "mconnect-population-register.yaml"
SHIPPED = f"http://127.0.0.1:{EXAMPLE_PORT}"


@pytest.fixture(scope="module")
def registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m tests.adapters.registries --port PORT``, once it answers."""
    port = free_port()
    log = tmp_path_factory.mktemp("registries") / "log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")}
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "tests.adapters.registries",
                                 "--port", str(port)], cwd=ROOT, env=env, stdout=sink,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/rest/page", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the registries did not start: " + log.read_text())
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hub with the reference data (ASP, its laws, the code lists)."""
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    catalog = Catalog(Settings(env="test", data_dir=tmp_path / "data"), with_store=False)
    try:
        load_reference(catalog)
    finally:
        catalog.close()
    return tmp_path


def _copy(example: Path, folder: Path, url: str) -> Path:
    """The example beside its bundle, with the registries' address its only change."""
    text = example.read_text(encoding="utf-8")
    assert text.count(SHIPPED) == 1
    copy = folder / example.name
    copy.write_text(text.replace(SHIPPED, url), encoding="utf-8")
    bundle = folder / "mconnect-population-register"
    if not bundle.exists():
        bundle.symlink_to(EXAMPLES / "mconnect-population-register")
    return copy


def _plan(capsys: pytest.CaptureFixture[str], mapping: Path) -> tuple[int, dict[str, object]]:
    code = main(["adapter", "run", str(mapping), "--dry-run", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_shipped_examples_check_as_written(hub: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["adapter", "check", str(SOAP)]) == 0
    assert capsys.readouterr().out.startswith(
        "ok: mconnect-population-register (soap source, service records of ASP")
    # the REST example names its token's setting: unset, the check says which
    assert main(["adapter", "check", str(REST)]) == 2
    assert "SEMCAT_EXAMPLE_REGISTRY_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("SEMCAT_EXAMPLE_REGISTRY_TOKEN", EXAMPLE_TOKEN)
    assert main(["adapter", "check", str(REST)]) == 0
    assert capsys.readouterr().out.startswith(
        "ok: registry-rest-passports (rest source, service records of ASP, 16 fields")


def test_the_rest_example_plans_the_registrys_passports(
        registries: str, hub: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SEMCAT_EXAMPLE_REGISTRY_TOKEN", EXAMPLE_TOKEN)
    code, plan = _plan(capsys, _copy(REST, hub, registries))
    assert code == 0, plan
    counts = plan["counts"]
    assert isinstance(counts, dict)
    assert counts["created"] > 0
    assert counts == {"created": counts["created"], "updated": 0, "unchanged": 0,
                      "rejected": 0}
    monkeypatch.setenv("SEMCAT_EXAMPLE_REGISTRY_TOKEN", "wrong")
    assert main(["adapter", "run", str(_copy(REST, hub, registries)), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "answered HTTP 401" in err
    assert "wrong" not in err


def test_the_soap_example_reads_every_person_through_mconnect(
        registries: str, hub: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, plan = _plan(capsys, _copy(SOAP, hub, registries))
    assert code == 1  # every person rejected: the register holds no services
    assert plan["counts"] == {"created": 0, "updated": 0, "unchanged": 0,
                              "rejected": len(PERSONS)}
    records = plan["records"]
    assert isinstance(records, list)
    assert [r["key"] for r in records] == [p[0] for p in PERSONS]
    assert all(r["reasons"] for r in records)
