"""RDF harvest by URL (issue 8: "RDF harvest: file or URL"): a real catalogue (Trento's labour
services, CPSV-AP 2.x, RDF/XML) served by a loopback HTTP server and read through a mapping's
``source.url``; the guards: non-public addresses refused before any connection unless
``SEMCAT_HARVEST_ALLOW_PRIVATE``, the size cap, the deadline, redirects on the same host only,
the format from the name or the answer's media type."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse

from adapters.sources.fetch import fetch
from adapters.sources.http import Limits
from adapters.sources.rdf import RdfSource
from api.cli import main
from catalog.core import Catalog
from catalog.demo import load_reference
from catalog.errors import CatalogError, InvalidInput
from catalog.settings import Settings
from tests.servers import serve_in_thread

LAVORO = "datasets/trento-cpsv-ap-2/trento_servizi_lavoro.rdf"


@dataclass
class Catalogue:
    url: str
    hits: Counter[str]
    size: int


def _app(data: bytes, hits: Counter[str]) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def count(request: Request, call_next):  # type: ignore[no-untyped-def]
        hits[request.url.path] += 1
        return await call_next(request)

    @app.get("/trento/lavoro.rdf")
    def lavoro() -> Response:
        return Response(data, media_type="application/rdf+xml")

    @app.get("/trento/catalogue")
    def no_extension() -> Response:
        return Response(data, media_type="application/rdf+xml; charset=utf-8")

    @app.get("/trento/unknown")
    def unknown_type() -> Response:
        return Response(data, media_type="application/octet-stream")

    @app.get("/moved")
    def moved() -> Response:
        return Response(status_code=301, headers={"Location": "/trento/lavoro.rdf"})

    @app.get("/away")
    def away(request: Request) -> Response:
        port = request.url.port
        return Response(status_code=302,
                        headers={"Location": f"http://localhost:{port}/trento/lavoro.rdf"})

    @app.get("/gone")
    def gone() -> Response:
        return Response("no such catalogue, internal path /srv/x", status_code=404)

    @app.get("/slow.rdf")
    def slow() -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            yield data[:1000]
            await asyncio.sleep(2)
            yield data[1000:]
        return StreamingResponse(body(), media_type="application/rdf+xml")

    return app


@pytest.fixture(scope="module")
def catalogue(shared: Path) -> Iterator[Catalogue]:
    data = (shared / LAVORO).read_bytes()
    hits: Counter[str] = Counter()
    with serve_in_thread(_app(data, hits)) as url:
        yield Catalogue(url, hits, len(data))


def _settings(tmp_path: Path, **more: object) -> Settings:
    return Settings(env="test", data_dir=tmp_path / "data", harvest_allow_private=True,
                    **more)  # type: ignore[arg-type]


def _source(url: str, settings: Settings, **more: object) -> RdfSource:
    return RdfSource("trento-url", None, "2.2.1", settings, url=url, **more)  # type: ignore[arg-type]


def test_a_catalogue_is_harvested_from_its_url(catalogue: Catalogue, tmp_path: Path) -> None:
    url = catalogue.url + "/trento/lavoro.rdf"
    items = list(_source(url, _settings(tmp_path)).items())
    assert len(items) == 40
    assert not [i for i in items if i.problems]
    assert {i.provenance["source"] for i in items} == {url}
    assert {i.provenance["format"] for i in items} == {"rdfxml"}


def test_the_format_comes_from_the_media_type_when_the_url_has_no_extension(
        catalogue: Catalogue, tmp_path: Path) -> None:
    items = list(_source(catalogue.url + "/trento/catalogue", _settings(tmp_path)).items())
    assert len(items) == 40
    with pytest.raises(InvalidInput) as caught:
        _source(catalogue.url + "/trento/unknown", _settings(tmp_path)).read()
    assert caught.value.message_id == "harvest.url_format"
    assert caught.value.field == "source.format"
    # said in the mapping, it needs neither
    assert len(list(_source(catalogue.url + "/trento/unknown", _settings(tmp_path),
                            fmt="rdfxml").items())) == 40


def test_a_loopback_address_is_refused_before_any_connection(catalogue: Catalogue,
                                                             tmp_path: Path) -> None:
    before = sum(catalogue.hits.values())
    settings = Settings(env="test", data_dir=tmp_path / "data")  # the default: public only
    with pytest.raises(InvalidInput) as caught:
        _source(catalogue.url + "/trento/lavoro.rdf", settings).read()
    assert caught.value.message_id == "harvest.url_private"
    assert caught.value.field == "source.url"
    assert "127.0.0.1 resolves to 127.0.0.1, which is not a public address (loopback)" in \
        caught.value.message
    assert "SEMCAT_HARVEST_ALLOW_PRIVATE" in caught.value.message
    assert set(caught.value.messages) == {"en", "ro", "ru"}
    assert sum(catalogue.hits.values()) == before  # nothing was asked


@pytest.mark.parametrize(("url", "code"), [
    ("file:///etc/hostname", "harvest.url_scheme"),
    ("http://user:pa55w0rd-XYZ@127.0.0.1/x.rdf", "harvest.url_credentials"),
    ("http://169.254.169.254/latest/meta-data", "harvest.url_private"),
    ("http://10.0.0.1/x.rdf", "harvest.url_private"),
])
def test_other_addresses_are_refused(url: str, code: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        _source(url, Settings(env="test", data_dir=tmp_path / "data")).read()
    assert caught.value.message_id == code
    assert "pa55w0rd-XYZ" not in str(caught.value.to_dict())


def test_a_redirect_is_followed_on_the_same_host_only(catalogue: Catalogue,
                                                      tmp_path: Path) -> None:
    assert len(list(_source(catalogue.url + "/moved", _settings(tmp_path)).items())) == 40
    before = catalogue.hits["/trento/lavoro.rdf"]
    with pytest.raises(CatalogError) as caught:
        _source(catalogue.url + "/away", _settings(tmp_path)).read()
    assert caught.value.message_id == "registry.redirect_other_host"
    assert "redirected to another host (localhost)" in caught.value.message
    assert catalogue.hits["/trento/lavoro.rdf"] == before  # not followed


def test_an_answer_over_the_cap_is_refused_and_nothing_read(catalogue: Catalogue,
                                                           tmp_path: Path) -> None:
    source = _source(catalogue.url + "/trento/lavoro.rdf", _settings(tmp_path),
                     max_bytes=catalogue.size - 1)
    with pytest.raises(CatalogError) as caught:
        source.read()
    assert caught.value.message_id == "registry.answer_too_large"
    assert source.harvest is None
    # the hub's own cap bounds the mapping's
    got = fetch(catalogue.url + "/trento/lavoro.rdf", Limits(max_bytes=catalogue.size),
                allow_private=True)
    assert len(got.body) == catalogue.size


def test_an_error_status_and_a_slow_answer_stop_the_harvest_without_their_content(
        catalogue: Catalogue, tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        _source(catalogue.url + "/gone", _settings(tmp_path)).read()
    assert caught.value.message_id == "registry.status"
    assert "HTTP 404" in caught.value.message
    assert "/srv/x" not in json.dumps(caught.value.to_dict())
    with pytest.raises(CatalogError) as slow:
        _source(catalogue.url + "/slow.rdf", _settings(tmp_path, harvest_timeout_s=0.5)).read()
    assert slow.value.message_id == "registry.timeout"


def test_a_mapping_with_a_url_runs_through_the_engine(
        catalogue: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "adapters"
    folder.mkdir()
    mapping = folder / "trento-url.yaml"
    mapping.write_text(
        "name: trento-url\ninstitution: AGE\n"
        f"source: {{type: rdf, url: '{catalogue.url}/trento/lavoro.rdf', cpsv_ap: '2.2.1',\n"
        "         catalogue: 'https://dati.trentino.it/dataset/servizi-lavoro'}\n",
        encoding="utf-8")
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEMCAT_ADAPTERS_DIR", str(folder))
    catalog = Catalog(Settings(env="test", data_dir=tmp_path / "data"))
    load_reference(catalog)
    catalog.close()
    assert main(["adapter", "check", str(mapping)]) == 0
    assert capsys.readouterr().out.startswith("ok: trento-url (rdf source")
    # the default refuses the loopback catalogue, naming the setting
    assert main(["adapter", "run", "trento-url", "--dry-run", "--format", "json"]) == 2
    assert "SEMCAT_HARVEST_ALLOW_PRIVATE" in capsys.readouterr().err
    monkeypatch.setenv("SEMCAT_HARVEST_ALLOW_PRIVATE", "true")
    assert main(["adapter", "run", "trento-url", "--dry-run", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["counts"] == {"created": 40, "updated": 0, "unchanged": 0, "rejected": 0}
