"""The SOAP registry source against real loopback services: the X-Road getRandom service of the
real X-Road WSDL and our MConnect-style population register, with the header profiles filled
(MConnect's CallBasis and CallReason from a published passport), and each hostile answer (SOAP
fault, invalid XML, XXE, billion laughs, 100 MB, too slow, redirected away, 429) a clear fault
that shows nothing of what the registry answered."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.sources.auth import Auth
from adapters.sources.errors import RegistryAnswerRefused, RegistryTimeout, RegistryUnavailable
from adapters.sources.headers import MConnectHeader, XRoadHeader, mconnect_for
from adapters.sources.http import Limits
from adapters.sources.soap import SoapConfig, SoapPaging, SoapSource, published_passport
from catalog.core import Catalog
from catalog.demo import load_demo
from catalog.errors import InvalidInput, NotFound
from catalog.settings import Settings
from tests.adapters.registries import (
    HOSTNAME,
    MB,
    PERSONS,
    POP,
    SECRET_FAULT_TEXT,
    Registry,
    everything_shown,
    serving,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "adapters" / "examples" / \
    "mconnect-population-register"
FAST = Limits(connect_s=2, read_s=0.5, total_s=2.0, max_bytes=1 * MB)
HEADER = MConnectHeader(calling_user="2000000000001", calling_entity="1003600000000",
                        call_basis="Legea nr. 100/2001, art. 73", call_reason="ASP-0002: 17")
_OPEN: list[SoapSource] = []


@pytest.fixture(scope="module")
def registry() -> Iterator[tuple[Registry, str]]:
    with serving() as served:
        yield served


@pytest.fixture(autouse=True)
def _close_sources() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def population(url: str, case: str = "ok", **kwargs: Any) -> SoapSource:
    sleep = kwargs.pop("sleep", time.sleep)
    config = SoapConfig(
        name="population", bundle=EXAMPLE, wsdl="population-register.wsdl",
        operation=kwargs.pop("operation", "ListPersons"),
        records=kwargs.pop("records",
                           "p:ListPersonsResponse/p:Person | p:GetPersonResponse/p:Person"),
        key="p:IDNP", namespaces={"p": POP}, endpoint=f"{url}/soap/{case}",
        header=kwargs.pop("header", HEADER), limits=kwargs.pop("limits", FAST), **kwargs)
    src = SoapSource(config, sleep=sleep)
    _OPEN.append(src)
    return src


def test_a_paged_mconnect_operation_gives_every_record_with_the_headers_sent(
        registry: tuple[Registry, str]) -> None:
    reg, url = registry
    src = population(url, paging=SoapPaging(size=10))
    items = list(src.items())
    assert [i.key for i in items] == [p[0] for p in PERSONS]
    assert all(not i.problems for i in items)
    assert items[0].data.findtext(f"{{{POP}}}LastName") == "Nume1"
    calls = [r for r in reg.requests if r["case"] == "ok"][-3:]
    assert [c["call"].findtext(f"{{{POP}}}Page") for c in calls] == ["1", "2", "3"]
    assert calls[0]["headers"] == {"CallingUser": "2000000000001",
                                   "CallingEntity": "1003600000000",
                                   "CallBasis": "Legea nr. 100/2001, art. 73",
                                   "CallReason": "ASP-0002: 17"}
    assert calls[0]["action"] == '"https://registre.example.gov.md/population/v1/ListPersons"'
    resumed = [i.key for i in src.items(after=items[11].position)]
    assert resumed == [p[0] for p in PERSONS[12:]]
    assert reg.hits["wsdl-ok"] == 0  # the published ?wsdl is never read: the bundle is
    assert b"MConnectHeaders" in httpx.get(f"{url}/soap/ok?wsdl").content
    assert reg.hits["wsdl-ok"] == 1


def test_a_single_call_operation(registry: tuple[Registry, str]) -> None:
    _, url = registry
    src = population(url, operation="GetPerson", request={"IDNP": PERSONS[4][0]})
    assert [i.key for i in src.items()] == [PERSONS[4][0]]
    with pytest.raises(InvalidInput) as err:
        population(url, operation="DeletePerson")
    assert err.value.message == "the WSDL has no operation 'DeletePerson'; it has: GetPerson, " \
                                "ListPersons"
    with pytest.raises(InvalidInput, match=r"is not an XPath 1\.0 expression"):
        list(population(url, operation="GetPerson", request={"IDNP": PERSONS[4][0]},
                        records="q:Person").items())


def test_the_real_x_road_wsdl_is_called_with_the_x_road_headers(
        registry: tuple[Registry, str], shared: Path) -> None:
    reg, url = registry
    header = XRoadHeader(client="EE/GOV/70000001/semcat", user_id="EE38001010000",
                         service="EE/GOV/70000002/registry/getRandom/v1", issue="case-17")
    src = SoapSource(SoapConfig(
        name="random", bundle=shared / "soap" / "xroad", wsdl="xroad6-getRandom.wsdl",
        operation="getRandom", request={"amount": 4}, endpoint=f"{url}/soap/xroad",
        records="*/randomValues/randomValue", key=".", header=header,
        limits=FAST))
    _OPEN.append(src)
    assert [i.data.text for i in src.items()] == ["0.0", "0.25", "0.5", "0.75"]
    sent = reg.requests[-1]["headers"]
    assert {k: v for k, v in sent.items() if isinstance(v, str)} == {
        "userId": "EE38001010000", "issue": "case-17", "protocolVersion": "4.0",
        "id": sent["id"]}
    assert len(sent["id"]) == 32
    client = [e.text for e in sent["client"]]
    service = [e.text for e in sent["service"]]
    assert client == ["EE", "GOV", "70000001", "semcat"]
    assert service == ["EE", "GOV", "70000002", "registry", "getRandom", "v1"]
    assert sent["client"].get("{http://x-road.eu/xsd/identifiers}objectType") == "SUBSYSTEM"
    assert reg.hits["wsdl-xroad"] == 0


def test_records_not_matching_the_wsdl_are_item_problems(
        registry: tuple[Registry, str], caplog: pytest.LogCaptureFixture) -> None:
    _, url = registry
    caplog.set_level(logging.DEBUG)
    items = list(population(url, "bad-record", paging=SoapPaging(size=10)).items())
    assert [i.key for i in items] == [PERSONS[0][0], "2000000000999", "#2"]
    assert [p.message for i in items for p in i.problems] == [
        "record '2000000000999' does not match the WSDL's schema of Person: 1 value(s) not of "
        "their XSD type (ISO8601Error)",
        "record 2 of the answer has no key at p:IDNP"]
    assert "31.02.2001" not in caplog.text  # zeep logs the bad value; it never reaches a log


@pytest.mark.parametrize(("case", "error", "message"), [
    ("fault", RegistryUnavailable, "the registry at {url}/soap/fault answered with a SOAP fault "
     "(code soap:Server); its text is kept out of reports, ask the registry's operator"),
    ("html-500", RegistryUnavailable, "the registry at {url}/soap/html-500 answered HTTP 500; "
     "expected 200"),
    ("invalid-xml", RegistryAnswerRefused, "the answer of the registry at {url}/soap/invalid-xml "
     "is not well-formed XML (line 1, column 104)"),
    ("xxe", RegistryAnswerRefused, "the answer of the registry at {url}/soap/xxe declares a "
     "DOCTYPE or entities (XXE, entity expansion) and is refused"),
    ("billion-laughs", RegistryAnswerRefused, "the answer of the registry at "
     "{url}/soap/billion-laughs declares a DOCTYPE or entities (XXE, entity expansion) and is "
     "refused"),
    ("huge", RegistryAnswerRefused, f"the answer of the registry at {{url}}/soap/huge is larger "
     f"than {MB} bytes; it was cut there and nothing of it was used"),
    ("slow", RegistryTimeout, "the registry at {url}/soap/slow did not answer within 0.5 s "
     "(read)"),
    ("redirect", RegistryUnavailable, "the registry at {url}/soap/redirect redirected to another "
     "host (registry.example.org); redirects are followed only on the same host"),
])
def test_each_hostile_answer_is_a_clear_fault_showing_nothing_of_it(
        registry: tuple[Registry, str], case: str, error: type[Exception], message: str,
        caplog: pytest.LogCaptureFixture) -> None:
    reg, url = registry
    caplog.set_level(logging.DEBUG)
    src = population(url, case, paging=SoapPaging(size=10))
    got: list[Any] = []
    started = time.monotonic()
    with pytest.raises(error) as err:
        got.extend(src.items())
    assert time.monotonic() - started < 5
    assert got == []
    assert err.value.message == message.format(url=url)  # type: ignore[attr-defined]
    shown = everything_shown(err.value) + caplog.text
    hostname = Path(HOSTNAME).read_text().strip()
    assert SECRET_FAULT_TEXT not in shown
    assert "lol" not in shown
    assert hostname not in shown.replace("localhost", "")
    assert reg.sent["soap-huge"] < 20 * MB


def test_429_is_retried_after_retry_after(registry: tuple[Registry, str]) -> None:
    reg, url = registry
    waits: list[float] = []
    src = population(url, "limited", sleep=waits.append, paging=SoapPaging(size=100))
    assert len(list(src.items())) == len(PERSONS)
    assert waits == [1.0]
    assert reg.hits["soap-limited"] == 2


def test_the_platform_password_is_sent_and_shown_nowhere(
        registry: tuple[Registry, str], caplog: pytest.LogCaptureFixture) -> None:
    reg, url = registry
    caplog.set_level(logging.DEBUG)
    auth = Auth(setting="SEMCAT_TEST_MCONNECT_PASSWORD", scheme="basic", user="semcat")
    config = SoapConfig(name="population", bundle=EXAMPLE, wsdl="population-register.wsdl",
                        operation="GetPerson", request={"IDNP": PERSONS[0][0]},
                        records="*/p:Person", key="p:IDNP", namespaces={"p": POP},
                        endpoint=f"{url}/soap/fault", header=HEADER, auth=auth, limits=FAST)
    src = SoapSource(config, environ={"SEMCAT_TEST_MCONNECT_PASSWORD": "pa55-w0rd-x"})
    _OPEN.append(src)
    with pytest.raises(RegistryUnavailable) as err:
        list(src.items())
    sent = reg.requests[-1]["authorization"]
    assert base64.b64decode(sent.removeprefix("Basic ")) == b"semcat:pa55-w0rd-x"
    shown = everything_shown(err.value) + caplog.text + repr(config) + repr(src.__dict__)
    assert "pa55-w0rd-x" not in shown
    assert sent.removeprefix("Basic ") not in shown


# --- MConnect headers from the published passport -----------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    cat = Catalog(Settings(env="test", data_dir=tmp_path_factory.mktemp("demo") / "data"))
    load_demo(cat)
    yield cat
    cat.close()


def test_call_basis_and_reason_come_from_the_published_passport(
        demo: Catalog, registry: tuple[Registry, str]) -> None:
    reg, url = registry
    passport = published_passport(demo, "ASP-0001")
    header = mconnect_for(passport, demo.label, calling_user="2000000000001",
                          calling_entity="1003600000000", request="cererea nr. 17/2026")
    assert header.call_basis == "Legea nr. 131/2007 privind siguranța traficului rutier, art. 20"
    assert header.call_reason == "ASP-0001 Eliberarea permisului de conducere: cererea nr. " \
                                 "17/2026"
    list(population(url, operation="GetPerson", request={"IDNP": PERSONS[0][0]},
                    header=header).items())
    assert reg.requests[-1]["headers"]["CallBasis"] == header.call_basis
    with pytest.raises(NotFound):
        published_passport(demo, "ASP-9999")
