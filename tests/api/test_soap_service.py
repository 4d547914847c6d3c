"""The nomenclature for legacy systems (issue 8, point 6a): the hub's SOAP service read with zeep
as a legacy client would, against the hub under uvicorn on loopback. Answers are compared with
the REST API and with the demo data in ``vocabularies/``; hostile and malformed requests get a
SOAP Fault naming what was wrong, never a parser's secret or a 500 page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import zeep
from lxml import etree
from zeep.exceptions import Fault

from tests.api.read_helpers import API, DemoData, Hub, running_hub
from tests.builders import passport
from tests.servers import serve_in_thread

NS = "https://w3id.org/semcat/soap/nomenclature/1"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XRD = "http://x-road.eu/xsd/xroad.xsd"
BINDING = f"{{{NS}}}NomenclatureBinding"


@dataclass
class Served:
    hub: Hub
    url: str
    service: Any  # zeep's service proxy

    def post(self, body: bytes | str) -> httpx.Response:
        return httpx.post(self.url + "/soap/nomenclature", content=body,
                          headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo catalogue under uvicorn, and a zeep client built from the served WSDL."""
    with running_hub("sqlite", tmp_path_factory.mktemp("soap") / "data") as hub, \
            serve_in_thread(hub.app, lifespan="off") as url:
        client = zeep.Client(url + "/soap/nomenclature?wsdl")
        yield Served(hub, url, client.create_service(BINDING, url + "/soap/nomenclature"))


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return DemoData()


def texts(values: list[Any]) -> dict[str, str]:
    return {v.lang: v._value_1 for v in values}


def fault_detail(f: Fault) -> dict[str, Any]:
    assert f.detail is not None
    [error] = f.detail.findall(f"{{{NS}}}error")
    out: dict[str, Any] = {child.tag.split("}")[1]: child.text for child in error
                           if child.tag != f"{{{NS}}}message"}
    out["message"] = {m.get("lang"): m.text for m in error.findall(f"{{{NS}}}message")}
    return out


def envelope(body: str, header: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
            f'"{SOAP_ENV}" xmlns:n="{NS}"><soapenv:Header>{header}</soapenv:Header>'
            f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>")


def raw_fault(r: httpx.Response) -> dict[str, Any]:
    """The fault of a raw answer: HTTP 500, text/xml, faultcode and the error detail."""
    assert r.status_code == 500, r.text
    assert r.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(r.content)
    [node] = root.iter(f"{{{SOAP_ENV}}}Fault")
    [error] = node.iter(f"{{{NS}}}error")
    return {"faultcode": node.findtext("faultcode"), "faultstring": node.findtext("faultstring"),
            "code": error.findtext(f"{{{NS}}}code"), "field": error.findtext(f"{{{NS}}}field"),
            "langs": {m.get("lang") for m in error.findall(f"{{{NS}}}message")}}


# --- the WSDL ------------------------------------------------------------------------------
def test_the_wsdl_is_document_literal_with_the_three_operations_at_the_hubs_address(
        served: Served) -> None:
    r = httpx.get(served.url + "/soap/nomenclature", params={"wsdl": ""})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    client = zeep.Client(served.url + "/soap/nomenclature?wsdl")
    [service] = client.wsdl.services.values()
    [port] = service.ports.values()
    # the address is where the hub is published (SEMCAT_BASE_URI), not the request's Host
    assert port.binding_options["address"] == \
        served.hub.settings.base_uri + "soap/nomenclature"
    operations = port.binding._operations
    assert set(operations) == {"GetService", "ListServices", "GetChanges"}
    for op in operations.values():
        assert op.style == "document"
        assert op.input.body.qname.namespace == NS
    # the X-Road headers, in their own namespace, on the input and output of each operation
    wsdl_doc = etree.fromstring(r.content)
    headers = wsdl_doc.findall(".//{http://schemas.xmlsoap.org/wsdl/soap/}header")
    assert len(headers) == 3 * 2 * 6
    parts = wsdl_doc.findall(".//{http://schemas.xmlsoap.org/wsdl/}message[@name='xroadHeader']"
                             "/{http://schemas.xmlsoap.org/wsdl/}part")
    assert {p.get("element") for p in parts} == {
        f"xrd:{n}" for n in ("client", "service", "id", "userId", "issue", "protocolVersion")}
    assert wsdl_doc.nsmap["xrd"] == XRD


# --- GetService ---------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["ANOFM-0001", "ASP-0001"])
def test_get_service_answers_the_published_passport_as_the_rest_api_does(
        served: Served, code: str) -> None:
    rest = httpx.get(f"{served.url}{API}/services/{code}",
                     headers={"Accept": "application/json"})
    assert rest.status_code == 200
    expected = rest.json()
    got = served.service.GetService(code=code).body.service
    assert got.code == code
    assert got.iri == served.hub.catalog.service_iri(code)
    assert got.version == int(rest.headers["x-version"])
    assert texts(got.title) == expected["title"]
    assert texts(got.description) == expected.get("description", {})
    assert got.competentAuthority == expected["competent_authority"]
    assert got.authorityCode == code.split("-")[0]
    assert list(got.lifeEvent) == expected.get("life_events", [])
    assert list(got.legalResource) == expected.get("legal_resources", [])
    assert [c.identifier for c in got.channel] == \
        [c["identifier"] for c in expected.get("channels", [])]
    assert [c.url for c in got.channel] == [c.get("url") for c in expected.get("channels", [])]
    assert [(float(c.value), c.currency) for c in got.cost] == \
        [(c["value"], c["currency"]) for c in expected.get("costs", [])]
    assert [e.identifier for e in got.evidence] == \
        [e["identifier"] for e in expected.get("evidence", [])]


def test_an_unknown_code_is_a_client_fault_naming_the_code_in_three_languages(
        served: Served) -> None:
    with pytest.raises(Fault) as caught:
        served.service.GetService(code="ASP-9999")
    assert caught.value.code == "soapenv:Client"
    detail = fault_detail(caught.value)
    assert detail["code"] == "not_found"
    assert detail["field"] == "code"
    assert detail["value"] == "ASP-9999"
    assert set(detail["message"]) == {"en", "ro", "ru"}
    assert "ASP-9999" in caught.value.message


def test_a_malformed_code_is_refused_with_the_expected_form(served: Served) -> None:
    with pytest.raises(Fault) as caught:
        served.service.GetService(code="nope")
    detail = fault_detail(caught.value)
    assert (detail["code"], detail["field"], detail["value"]) == ("invalid_input", "code",
                                                                   "nope")
    assert "ASP-0001" in detail["expected"]


# --- ListServices --------------------------------------------------------------------------
def walk(served: Served, **args: Any) -> tuple[list[str], int, int]:
    """Every code of a listing, following nextCursor; the total and the number of pages."""
    codes: list[str] = []
    cursor, pages = None, 0
    while True:
        page = served.service.ListServices(cursor=cursor, **args).body
        pages += 1
        codes += [s.code for s in page.service]
        cursor = page.nextCursor
        if cursor is None:
            return codes, page.total, pages
        assert pages < 100


@pytest.mark.parametrize("event", ["unemployment", "birth"])
def test_services_by_life_event_page_through_exactly_the_services_the_data_groups_there(
        served: Served, demo: DemoData, event: str) -> None:
    expected = demo.services(f"?s cv:isGroupedBy <{demo.iri('codelist/life-event/' + event)}>")
    assert len(expected) >= 2
    codes, total, pages = walk(served, lifeEvent=event, limit=1)
    assert codes == sorted(expected)
    assert total == len(expected)
    assert pages == len(expected)
    # an IRI is as good as a short code
    iri_codes, _, _ = walk(served, lifeEvent=demo.iri("codelist/life-event/" + event))
    assert iri_codes == codes


def test_services_by_authority_are_those_the_rest_api_lists(served: Served) -> None:
    rest = httpx.get(f"{served.url}{API}/services", params={"authority": "CNAS",
                                                            "limit": 500}).json()
    codes, total, _ = walk(served, authority="CNAS", limit=2)
    assert codes == [i["code"] for i in rest["items"]]
    assert total == rest["total"] > 2


@pytest.mark.parametrize(("args", "code", "field"), [
    ({"limit": 0}, "invalid_input", "limit"),
    ({"limit": 501}, "invalid_input", "limit"),
    ({"cursor": "bm90LWEtY29kZQ"}, "invalid_input", "cursor"),
    ({"authority": "NOSUCH"}, "not_found", "authority"),
    ({"lifeEvent": "Bad Code"}, "invalid_input", "life_event"),
])
def test_bad_listing_arguments_are_client_faults_naming_the_argument(
        served: Served, args: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(Fault) as caught:
        served.service.ListServices(**args)
    assert caught.value.code == "soapenv:Client"
    detail = fault_detail(caught.value)
    assert (detail["code"], detail["field"]) == (code, field)


# --- GetChanges ----------------------------------------------------------------------------
def test_changes_after_a_sequence_number_are_the_change_feed_and_follow_new_writes(
        served: Served) -> None:
    hub = served.hub
    last = served.service.GetChanges(after=0, limit=1).body.lastSeq
    feed = httpx.get(f"{served.url}{API}/changes", params={"after": last - 5,
                                                           "content": "false"}).json()
    page = served.service.GetChanges(after=last - 5).body
    assert [(c.seq, c.operation, c.kind, c.iri, c.code, c.version) for c in page.change] == \
        [(i["seq"], i["op"], i["kind"], i["iri"], i["code"], i["version"])
         for i in feed["items"]]
    assert page.nextAfter == last
    # a publication and a withdrawal made now are the next changes, in order
    hub.publish(passport("ASP-9601"))
    hub.withdraw("ASP-9601")
    page = served.service.GetChanges(after=last).body
    assert [(c.operation, c.code, c.version) for c in page.change] == \
        [("publish", "ASP-9601", 1), ("withdraw", "ASP-9601", 1)]
    assert page.lastSeq == page.nextAfter == last + 2
    assert served.service.GetChanges(after=page.nextAfter).body.change == []
    with pytest.raises(Fault) as caught:
        served.service.GetService(code="ASP-9601")  # withdrawn: no longer published
    assert fault_detail(caught.value)["code"] == "not_found"


def test_changes_need_a_sequence_number(served: Served) -> None:
    r = served.post(envelope("<n:GetChanges/>"))
    fault = raw_fault(r)
    assert (fault["code"], fault["field"]) == ("invalid_input", "after")
    fault = raw_fault(served.post(envelope("<n:GetChanges><n:after>-1</n:after></n:GetChanges>")))
    assert (fault["code"], fault["field"]) == ("invalid_input", "after")


# --- X-Road headers ----------------------------------------------------------------------------
def test_x_road_headers_are_echoed_in_the_answer(served: Served) -> None:
    header = (f'<xrd:id xmlns:xrd="{XRD}">4894e35d-bf0f-44a6-867a-8e51f1daa7e0</xrd:id>'
              f'<xrd:userId xmlns:xrd="{XRD}">MD2000000000001</xrd:userId>'
              f'<xrd:protocolVersion xmlns:xrd="{XRD}">4.0</xrd:protocolVersion>'
              '<other xmlns="urn:not-x-road">dropped</other>')
    r = served.post(envelope("<n:GetService><n:code>ASP-0001</n:code></n:GetService>", header))
    assert r.status_code == 200, r.text
    root = etree.fromstring(r.content)
    head = root.find(f"{{{SOAP_ENV}}}Header")
    assert head is not None
    assert [(etree.QName(h).localname, h.text) for h in head] == [
        ("id", "4894e35d-bf0f-44a6-867a-8e51f1daa7e0"), ("userId", "MD2000000000001"),
        ("protocolVersion", "4.0")]
    # through zeep, as a client of the platform sends them
    xrd_id = etree.Element(f"{{{XRD}}}id")
    xrd_id.text = "call-17"
    answer = served.service.GetService(code="ASP-0001", _soapheaders=[xrd_id])
    assert answer.header is not None
    assert answer.body.service.code == "ASP-0001"


# --- hostile and malformed requests ------------------------------------------------------------
XXE = (f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
       f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:n="{NS}"><soapenv:Body>'
       "<n:GetService><n:code>&x;</n:code></n:GetService></soapenv:Body></soapenv:Envelope>")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                    for i in range(9))
          + f']><soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" xmlns:n="{NS}"><soapenv:Body>'
          "<n:GetService><n:code>&j;</n:code></n:GetService></soapenv:Body>"
          "</soapenv:Envelope>")


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_doctype_and_entities_are_refused_before_parsing(served: Served, body: str) -> None:
    start = time.monotonic()
    r = served.post(body)
    assert time.monotonic() - start < 5
    fault = raw_fault(r)
    assert (fault["faultcode"], fault["code"]) == ("soapenv:Client", "unsafe_input")
    hostname = Path("/etc/hostname").read_text("utf-8").strip()
    assert hostname not in r.text


@pytest.mark.parametrize(("body", "code", "field"), [
    ("this is not XML", "invalid_input", "Envelope"),
    ("<a><b></a>", "invalid_input", "Envelope"),
    ('<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body/></Envelope>',
     "invalid_input", "Envelope"),
    (envelope(""), "invalid_input", "Body"),
    (envelope("<n:DeleteService><n:code>ASP-0001</n:code></n:DeleteService>"), "not_found",
     "Body"),
    (envelope("<GetService><code>ASP-0001</code></GetService>"), "not_found", "Body"),
    (envelope("<n:GetService/>"), "invalid_input", "code"),
])
def test_malformed_requests_are_client_faults_naming_where(
        served: Served, body: str, code: str, field: str) -> None:
    fault = raw_fault(served.post(body))
    assert (fault["faultcode"], fault["code"], fault["field"]) == ("soapenv:Client", code,
                                                                   field)
    assert fault["langs"] == {"en", "ro", "ru"}


def test_a_request_over_the_size_cap_is_refused_unread(served: Served) -> None:
    cap = served.hub.settings.soap_max_request_bytes
    padding = "<!-- " + "x" * cap + " -->"
    fault = raw_fault(served.post(envelope(padding + "<n:GetService><n:code>ASP-0001</n:code>"
                                           "</n:GetService>")))
    assert fault["code"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds on the stream too
        yield envelope("")[:100].encode()
        for _ in range(cap // 8192 + 2):
            yield b" " * 8192

    r = httpx.post(served.url + "/soap/nomenclature", content=chunks(),
                   headers={"Content-Type": "text/xml"}, timeout=30)
    assert raw_fault(r)["code"] == "too_large"


def test_a_failure_of_the_hub_is_a_server_fault_naming_the_request_not_the_cause(
        served: Served, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from api.soap import operations

    def broken(*_: object) -> None:
        raise RuntimeError("secret internals /var/lib/semcat")

    monkeypatch.setattr(operations.lookup, "published", broken)
    r = httpx.post(served.url + "/soap/nomenclature", headers={"X-Request-ID": "req-42"},
                   content=envelope("<n:GetService><n:code>ASP-0001</n:code></n:GetService>"))
    fault = raw_fault(r)
    assert (fault["faultcode"], fault["code"]) == ("soapenv:Server", "store_unavailable")
    assert "req-42" in fault["faultstring"]
    assert "internals" not in r.text
    assert "secret internals" in caplog.text  # the cause is in the log, with the request id
    assert "req-42" in caplog.text
