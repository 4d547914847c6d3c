"""The REST registry source against a real loopback server: every paging style, resuming,
records checked by JSON Schema with no remote $ref fetched, secrets kept out of everything, and
each hostile answer (100 MB, slow, drip-fed, redirected away, 429/503, not JSON) a clear fault."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.sources.auth import Auth
from adapters.sources.errors import RegistryAnswerRefused, RegistryTimeout, RegistryUnavailable
from adapters.sources.headers import XRoadHeader
from adapters.sources.http import Limits, Retries
from adapters.sources.paging import Paging
from adapters.sources.rest import RestConfig, RestSource
from catalog.errors import ConfigurationError, InvalidInput
from tests.adapters.registries import MB, RECORDS, Registry, everything_shown, serving

FAST = Limits(connect_s=2, read_s=0.5, total_s=1.0, max_bytes=1 * MB)


@pytest.fixture(scope="module")
def registry() -> Iterator[tuple[Registry, str]]:
    with serving() as served:
        yield served


_OPEN: list[RestSource] = []


@pytest.fixture(autouse=True)
def _close_sources() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def rest(config: RestConfig, **kwargs: Any) -> RestSource:
    src = RestSource(config, **kwargs)
    _OPEN.append(src)
    return src


def source(url: str, path: str, **kwargs: Any) -> RestSource:
    return rest(RestConfig(name="test", base_url=url, path=path,
                           limits=kwargs.pop("limits", FAST), **kwargs))


def keys(src: RestSource, after: str | None = None) -> list[str]:
    return [item.key for item in src.items(after)]


ALL = [r["id"] for r in RECORDS]
STYLES = {
    "page": {"path": "/rest/page", "records": "items", "paging": Paging(style="page", size=40)},
    "offset": {"path": "/rest/offset", "records": "items",
                   "paging": Paging(style="offset", size=40, size_param="limit")},
    "cursor": {"path": "/rest/cursor", "records": "data",
                   "paging": Paging(style="cursor", size=40, cursor_path="meta.next")},
    "link": {"path": "/rest/link", "paging": Paging(style="link")},
}


@pytest.mark.parametrize("style", STYLES)
def test_every_paging_style_gives_every_record_once_in_order(
        registry: tuple[Registry, str], style: str) -> None:
    _, url = registry
    assert keys(source(url, **STYLES[style])) == ALL


@pytest.mark.parametrize("style", STYLES)
def test_a_run_resumed_after_any_position_gives_exactly_what_follows(
        registry: tuple[Registry, str], style: str) -> None:
    _, url = registry
    src = source(url, **STYLES[style])
    items = list(src.items())
    for cut in (0, 39, 40, 99, 100, 137, 248):
        assert [i.key for i in src.items(after=items[cut].position)] == ALL[cut + 1:], cut
    assert list(src.items(after=items[-1].position)) == []


def test_a_position_of_another_style_is_refused(registry: tuple[Registry, str]) -> None:
    _, url = registry
    src = source(url, **STYLES["cursor"])
    with pytest.raises(InvalidInput, match="resume position"):
        list(src.items(after=json.dumps({"n": 3})))


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["id", "title", "fee"],
    "properties": {"id": {"type": "string"}, "title": {"$ref": "texts.json"},
                   "fee": {"type": "integer", "minimum": 0}},
}
TEXTS = {"$id": "texts.json", "type": "object", "required": ["ro", "en"]}


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    (tmp_path / "texts.json").write_text(json.dumps(TEXTS))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(SCHEMA))
    return path


def test_a_record_breaking_the_schema_or_without_key_is_an_item_problem_and_the_rest_flows(
        registry: tuple[Registry, str], schema: Path) -> None:
    _, url = registry
    src = source(url, "/rest/hostile/bad-records", schema=schema,
                 schema_files=(schema.parent / "texts.json",))
    items = list(src.items())
    assert [i.key for i in items] == ["R0001", "R9001", '#{"n":2}', "R0002"]
    assert [len(i.problems) for i in items] == [0, 2, 1, 0]
    bad = [p.message for p in items[1].problems]
    assert bad == ["record 'R9001' does not match the source's JSON Schema at /fee: "
                   "'minimum' expects 0",
                   "record 'R9001' does not match the source's JSON Schema at /title: "
                   "'required' expects [\"ro\", \"en\"]"]
    assert items[2].problems[0].message == "record 2 of the answer has no key at id"
    assert items[1].data["fee"] == -5  # the record is kept for the report


def test_a_remote_ref_is_never_fetched(registry: tuple[Registry, str], tmp_path: Path) -> None:
    reg, url = registry
    path = tmp_path / "remote.json"
    path.write_text(json.dumps({"$ref": f"{url}/schemas/remote.json"}))
    src = source(url, "/rest/page", records="items", schema=path)
    with pytest.raises(ConfigurationError) as err:
        next(iter(src.items()))
    assert err.value.message == (f"the JSON Schema refers to {url}/schemas/remote.json, outside "
                                 "the schemas given with the source; remote $ref are never "
                                 "fetched")
    assert reg.hits["remote-schema"] == 0


def test_the_token_comes_from_its_setting_and_is_shown_nowhere(
        registry: tuple[Registry, str], caplog: pytest.LogCaptureFixture) -> None:
    reg, url = registry
    caplog.set_level(logging.DEBUG)
    auth = Auth(setting="SEMCAT_TEST_REGISTRY_TOKEN")
    with pytest.raises(ConfigurationError, match=r"SEMCAT_TEST_REGISTRY_TOKEN .*is not set"):
        RestSource(RestConfig(name="t", base_url=url, path="/rest/auth", auth=auth), environ={})
    env = {"SEMCAT_TEST_REGISTRY_TOKEN": "s3cr3t-t0ken"}
    src = rest(RestConfig(name="t", base_url=url, path="/rest/auth", auth=auth),
                     environ=env)
    assert [i.key for i in src.items()] == ["R0001", "R0002", "R0003"]
    assert reg.requests[-1]["authorization"] == "Bearer s3cr3t-t0ken"
    wrong = rest(RestConfig(name="t", base_url=url, path="/rest/auth", auth=auth),
                       environ={"SEMCAT_TEST_REGISTRY_TOKEN": "s3cr3t-wrong"})
    with pytest.raises(RegistryUnavailable, match="answered HTTP 401") as err:
        list(wrong.items())
    shown = everything_shown(err.value) + caplog.text + repr(src.config) + repr(wrong.__dict__)
    assert "s3cr3t" not in shown


def test_a_100_mb_answer_is_cut_at_the_cap_without_being_read(
        registry: tuple[Registry, str]) -> None:
    reg, url = registry
    started = time.monotonic()
    with pytest.raises(RegistryAnswerRefused) as err:
        keys(source(url, "/rest/hostile/huge"))
    assert err.value.message == (f"the answer of the registry at {url}/rest/hostile/huge is "
                                 f"larger than {MB} bytes; it was cut there and nothing of it "
                                 "was used")
    assert time.monotonic() - started < 5
    assert reg.sent["rest-huge"] < 20 * MB  # the server stopped long before its 100 MB
    with pytest.raises(RegistryAnswerRefused, match="larger than"):
        keys(source(url, "/rest/hostile/huge-declared"))


def test_slow_and_drip_fed_answers_are_cut_at_their_deadlines(
        registry: tuple[Registry, str]) -> None:
    _, url = registry
    with pytest.raises(RegistryTimeout) as err:
        keys(source(url, "/rest/hostile/slow"))
    assert err.value.message == f"the registry at {url}/rest/hostile/slow did not answer " \
                                "within 0.5 s (read)"
    big = Limits(connect_s=2, read_s=0.5, total_s=0.6, max_bytes=100 * MB)
    started = time.monotonic()
    with pytest.raises(RegistryTimeout, match=r"within 0.6 s \(whole answer\)"):
        keys(source(url, "/rest/hostile/drip", limits=big))
    assert time.monotonic() - started < 3


def test_a_redirect_to_another_host_is_not_followed(registry: tuple[Registry, str]) -> None:
    _, url = registry
    with pytest.raises(RegistryUnavailable) as err:
        keys(source(url, "/rest/hostile/redirect-away"))
    assert err.value.message == (f"the registry at {url}/rest/hostile/redirect-away redirected "
                                 "to another host (registry.example.org); redirects are "
                                 "followed only on the same host")
    assert len(keys(source(url, "/rest/hostile/redirect-here", records="items"))) == 100
    with pytest.raises(RegistryUnavailable, match="next page on another host"):
        keys(source(url, "/rest/hostile/link-away", paging=Paging(style="link")))


def test_429_is_retried_after_what_retry_after_asks(registry: tuple[Registry, str]) -> None:
    reg, url = registry
    waits: list[float] = []
    src = rest(RestConfig(name="t", base_url=url, path="/rest/hostile/limited",
                                params={"k": "a"}), sleep=waits.append)
    assert len(list(src.items())) == 5
    assert waits == [1.0, 1.0]
    assert reg.hits["limited-a"] == 3


def test_429_asking_too_long_and_503_without_end_are_faults(
        registry: tuple[Registry, str]) -> None:
    reg, url = registry
    waits: list[float] = []
    src = rest(RestConfig(name="t", base_url=url, path="/rest/hostile/limited",
                                params={"k": "b", "wait": "3600"}), sleep=waits.append)
    with pytest.raises(RegistryUnavailable) as err:
        list(src.items())
    assert err.value.message == (f"the registry at {url}/rest/hostile/limited still refused "
                                 "with HTTP 429 after 1 attempts (it asked to wait 3600.0 s; "
                                 "at most 30.0 s are allowed)")
    assert waits == []
    src = rest(RestConfig(name="t", base_url=url, path="/rest/hostile/unavailable",
                                params={"k": "c"}, retries=Retries(attempts=3, backoff_s=0.5)),
                     sleep=waits.append)
    with pytest.raises(RegistryUnavailable, match="503 after 3 attempts"):
        list(src.items())
    assert waits == [0.5, 1.0]
    assert reg.hits["unavailable-c"] == 3


@pytest.mark.parametrize(("path", "message"), [
    ("/rest/hostile/not-json", "is not JSON (line 1, column 1)"),
    ("/rest/hostile/deep", "does not have the expected shape: JSON nested at most 64 deep"),
    ("/rest/hostile/huge-number", "does not have the expected shape: numbers of at most 4300 "
     "digits"),
    ("/rest/page", "does not have the expected shape: a list of records at 'nowhere'"),
])
def test_answers_of_the_wrong_shape_are_clear_faults(
        registry: tuple[Registry, str], path: str, message: str) -> None:
    _, url = registry
    with pytest.raises(RegistryAnswerRefused) as err:
        keys(source(url, path, records="nowhere" if path == "/rest/page" else ""))
    assert err.value.message == f"the answer of the registry at {url}{path} {message}"
    assert "Gateway error" not in everything_shown(err.value)


def test_a_cursor_that_loops_stops_the_walk(registry: tuple[Registry, str]) -> None:
    _, url = registry
    src = source(url, "/rest/hostile/cursor-loop", records="data",
                 paging=Paging(style="cursor", cursor_path="meta.next"))
    got: list[str] = []
    items = src.items()
    with pytest.raises(RegistryUnavailable, match="same next page twice"):  # noqa: PT012
        for item in items:
            got.append(item.key)
    assert got == ["R0001", "R0002", "R0001", "R0002"]


def test_an_unreachable_registry_is_a_fault_naming_it() -> None:
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RegistryUnavailable) as err:
        keys(source(url, "/x?token=abc"))
    assert err.value.message == f"the registry at {url}/x cannot be reached (ConnectError)"


def test_the_real_x_road_rest_metaservices_are_read_with_the_x_road_headers(
        registry: tuple[Registry, str], shared: Path) -> None:
    reg, url = registry
    header = XRoadHeader(client="INSTANCE/CLASS1/MEMBER1/SUBSYSTEM1", user_id="EE38001010000",
                         service="INSTANCE/CLASS2/MEMBER2/SUBSYSTEM2/listMethods")
    src = rest(RestConfig(name="x-road", base_url=url, path=header.rest_path(),
                          records="service", key="service_code",
                          headers=header.rest_headers()))
    items = list(src.items())
    expected = json.loads((shared / "soap" / "xroad-rest" / "listMethods-response.json")
                          .read_text())["service"]
    assert [i.key for i in items] == [s["service_code"] for s in expected]
    assert items[0].data["endpoint_list"][0] == {"method": "PUT", "path": "/pet"}
    assert reg.requests[-1] == {"path": "listMethods", "client": header.client,
                                "user": "EE38001010000",
                                "service": ("INSTANCE", "CLASS2", "MEMBER2", "SUBSYSTEM2")}
    clients = rest(RestConfig(name="x-road", base_url=url, path="/listClients",
                              records="member", key="id.member_code"))
    assert [i.key for i in clients.items()][:2] == ["TS1OWNER", "TS2OWNER"]
