"""Links people may follow are http, https, mailto or tel, in every format, and every page
tells the browser so (a Content-Security-Policy with no inline script, nosniff, no referrer,
no framing). Service codes 98xx."""

from __future__ import annotations

import json

import pytest

from api.security_headers import CSP
from tests.api.publishing_helpers import JSON, Hub, Who, body, findings
from tests.builders import passport

pytest_plugins = ["tests.api.conftest_publishing"]

HOSTILE = ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<b>x",
           "vbscript:msgbox(1)", "file:///etc/passwd"]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_channel_link_that_runs_code_is_refused_in_json(hub: Hub, who: Who, url: str) -> None:
    doc = json.loads(body(passport("ASP-9801")))
    doc["channels"][0]["url"] = url
    r = hub.client.post("/api/v1/services", content=json.dumps(doc), headers={**who.asp, **JSON})
    assert r.status_code == 422, r.text
    assert [f["path"] for f in findings(r)] == ["channels.0.url"]
    assert hub.catalog.ledger.record_iri("service", "ASP-9801") is None


@pytest.mark.parametrize("iri", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_an_iri_that_runs_code_is_refused_in_rdf(hub: Hub, who: Who, iri: str) -> None:
    turtle = body(passport("ASP-9802"), "turtle").decode().replace(
        "<https://www.asp.gov.md", f"<{iri}", 1)
    if iri not in turtle:  # the passport has no such link: put one on the service
        turtle += f"\n<http://127.0.0.1:8000/id/service/ASP-9802> " \
                  f"<http://www.w3.org/2000/01/rdf-schema#seeAlso> <{iri}> .\n"
    r = hub.client.post("/api/v1/services", content=turtle,
                        headers={**who.asp, "Content-Type": "text/turtle"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "invalid_input"
    assert "are refused; links are http, https, mailto or tel" in r.json()["detail"]
    assert hub.catalog.ledger.record_iri("service", "ASP-9802") is None


def test_every_page_has_a_content_security_policy(hub: Hub, who: Who) -> None:
    hub.published("ASP-9803", who)
    for path in ("/", "/id/service/ASP-9803", "/id/org/asp", "/sparql", "/id/nothing/here"):
        r = hub.client.get(path, headers={"Accept": "text/html"})
        assert r.headers["content-type"].startswith("text/html"), path
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'self';" in CSP
    assert "'unsafe-inline'" not in CSP.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in CSP
    api = hub.client.get("/api/v1/services/ASP-9803")
    assert api.headers["x-content-type-options"] == "nosniff"
