"""The built wheel is the whole hub: it holds every file the hub reads (shapes, vocabularies,
templates, JSON-LD contexts, queries, migrations), and installed into a fresh virtualenv outside
the checkout it starts and refuses an invalid passport with 422 (issue "Room for every kind of
record": a wheel without its shapes used to accept everything).

The wheel is built without build isolation (offline); the fresh virtualenv takes the
dependencies from this environment's site-packages through a ``.pth`` file, which does not
activate this environment's editable install: ``catalog`` and ``api`` come from the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.builders import passport
from tests.servers import semcat_serving

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("catalog", "api", "adapters")
#: the top-level data folders and where the wheel carries them
DATA = {"shapes": "catalog/_shipped/shapes", "vocabularies": "catalog/_shipped/vocabularies"}
_NOT_SOURCE = shutil.ignore_patterns(".git", "node_modules", ".venv", "var", "build", "dist",
                                     "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


def run(args: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done


def offline_env() -> dict[str, str]:
    """This environment for pip and the installed hub: no index, no PYTHONPATH, no SEMCAT_*."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SEMCAT_", "PIP_")) and k != "PYTHONPATH"}
    return env | {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def expected_files() -> set[str]:
    """Every file of the packages and of the data folders, as the wheel names it."""
    out: set[str] = set()
    for top in PACKAGES:
        out |= {f.relative_to(ROOT).as_posix() for f in (ROOT / top).rglob("*")
                if f.is_file() and "__pycache__" not in f.parts}
    for folder, inside in DATA.items():
        out |= {f"{inside}/{f.relative_to(ROOT / folder).as_posix()}"
                for f in (ROOT / folder).rglob("*") if f.is_file()}
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel`` of a copy of the checkout (so the build leaves nothing in it)."""
    src = tmp_path_factory.mktemp("src") / "semcat"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", dist, src], cwd=src, env=offline_env())
    [built] = dist.glob("semcat-*.whl")
    return built


@dataclass(frozen=True)
class Venv:
    root: Path
    python: Path
    semcat: Path


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh virtualenv outside the checkout with the wheel installed; the dependencies
    are this environment's (a .pth file names its site-packages)."""
    root = tmp_path_factory.mktemp("fresh") / "venv"
    assert not root.is_relative_to(ROOT)
    run([sys.executable, "-m", "venv", "--without-pip", root], cwd=root.parent)
    python = root / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                  cwd=root.parent).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(purelib) / "_semcat_test_deps.pth").write_text("".join(f"{p}\n" for p in ours))
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        cwd=root.parent, env=offline_env())
    return Venv(root, python, root / "bin" / "semcat")


def test_the_wheel_holds_every_file_the_hub_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = expected_files() - names
    assert not missing, sorted(missing)
    for needed in ("catalog/_shipped/shapes/passport.ttl", "catalog/_shipped/shapes/reference.ttl",
                   "catalog/_shipped/vocabularies/codelists/life-events.ttl",
                   "catalog/_shipped/vocabularies/demo/nomenclature.trig",
                   "api/pages/templates/passport.html", "catalog/contexts/semcat.jsonld",
                   "catalog/queries/services.rq", "catalog/ledger/migrations/env.py",
                   "catalog/ledger/migrations/script.py.mako"):
        assert needed in names
    assert any(n.startswith("catalog/ledger/migrations/versions/") for n in names)
    tops = {n.split("/", 1)[0] for n in names if ".dist-info/" not in n}
    assert tops == set(PACKAGES)  # no top-level shapes/ or vocabularies/ in site-packages


def test_the_installed_wheel_reads_its_own_files(venv: Venv, tmp_path: Path) -> None:
    where = json.loads(run([venv.python, "-c", (
        "import json, api, catalog, catalog.paths as p, catalog.shapes as s; "
        "print(json.dumps([catalog.__file__, api.__file__, str(p.SHAPES_DIR), "
        "[f.name for f in s.shape_files()], str(p.DEMO_DIR)]))")],
        cwd=tmp_path, env=offline_env()).stdout)
    catalog_file, api_file, shapes, files, demo = where
    for path in (catalog_file, api_file, shapes, demo):
        assert Path(path).is_relative_to(venv.root), path
    assert Path(shapes).parts[-3:] == ("catalog", "_shipped", "shapes")
    assert files == ["asset.ttl", "mappings.ttl", "passport.ttl", "reference.ttl"]


@pytest.fixture
def hub(venv: Venv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`semcat serve` of the fresh virtualenv, in tmp_path, with the demo data."""
    env = {"SEMCAT_DATA_DIR": str(tmp_path / "data"), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_QUERY_WORKERS": "1"}
    monkeypatch.delenv("PYTHONPATH", raising=False)  # start_semcat passes on os.environ
    with semcat_serving(tmp_path / "serve.log", env, exe=venv.semcat, cwd=tmp_path) as served:
        yield served.url


def test_the_installed_hub_refuses_an_invalid_passport(venv: Venv, hub: str,
                                                      tmp_path: Path) -> None:
    env = offline_env() | {"SEMCAT_DATA_DIR": str(tmp_path / "data")}
    secret = run([venv.semcat, "token", "create", "--institution", "ASP", "--role", "publisher"],
                 cwd=tmp_path, env=env).stdout.strip()
    auth = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    invalid = passport("ASP-9801", legal_resources=[], audiences=[],
                       description={"en": "x"}).model_dump_json()

    dry = httpx.post(hub + "/api/v1/validate", content=invalid, headers=auth, timeout=30)
    assert dry.status_code == 200, dry.text
    assert dry.json()["conforms"] is False

    refused = httpx.post(hub + "/api/v1/services", content=invalid, headers=auth, timeout=30)
    assert refused.status_code == 422, refused.text
    found = refused.json()["error"]["report"]["findings"]
    paths = {f["path"].rsplit("/", 1)[-1] for f in found if f["severity"] == "violation"}
    assert {"hasLegalResource", "audience", "description"} <= paths  # the profile's shapes
    assert all(f["message"]["ro"] and f["message"]["en"] for f in found)

    valid = passport("ASP-9802").model_dump_json()
    created = httpx.post(hub + "/api/v1/services", content=valid, headers=auth, timeout=30)
    assert created.status_code == 201, created.text
