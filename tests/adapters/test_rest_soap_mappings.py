"""REST and SOAP sources declared by a YAML mapping (``source_from_mapping``), run by the sync
engine against the loopback registries of :mod:`tests.adapters.registries`: the plan of a dry
run, the apply as drafts of ``source:NAME``, the idempotent re-run; every paging style, the
token named by its setting, the header profiles filled from the mapping (and MConnect's
``CallBasis`` from the published passport), and clear errors for what a source cannot use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request, Response

from adapters.mapping.spec import load
from adapters.sources.base import Source
from adapters.sources.errors import RegistryAnswerRefused
from adapters.sources.registry import SourceContext, default_registry
from api.cli import main
from catalog.core import Catalog
from catalog.demo import load_demo, load_reference
from catalog.errors import ConfigurationError, InvalidInput, NotFound
from catalog.settings import Settings
from catalog.workflow.access import Principal
from catalog.workflow.history import History
from tests.adapters.conftest import MAPPING, provenance_of, registry_rows
from tests.adapters.registries import PERSONS, POP, RECORDS, Registry, build
from tests.servers import serve_in_thread

EXAMPLE = Path(__file__).resolve().parents[2] / "adapters" / "examples" / \
    "mconnect-population-register"
SETTING = "SEMCAT_TEST_REGISTRY_TOKEN"
TOKEN = "r3g1stry-t0ken-9f"
#: the passports' fields of the shared test mapping (JMESPath into the registry's JSON)
FIELDS = MAPPING[MAPPING.index("fields:"):]
REST = """
semcat_mapping: 1
name: asp-rest
institution: ASP
source:
  type: rest
  base_url: {url}
  path: /rest/passports
  params: {{active: true}}
  pagination: {{style: cursor, param: after, size_param: limit, size: 4, next: paging.next}}
  auth: {{type: bearer, token: {{env: {setting}}}}}
  timeout_s: 10
  max_bytes: 1000000
record: {{key: id, iterator: results}}
"""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rest-soap") / "data"


@pytest.fixture(scope="module")
def rows(data_dir: Path) -> list[dict[str, Any]]:
    """The demo passports of ASP as a registry gives them; the catalogue holds only the
    reference data (institutions, laws, concepts)."""
    catalog = Catalog(Settings(env="test", data_dir=data_dir))
    try:
        load_reference(catalog)
        found = registry_rows(catalog)
    finally:
        catalog.close()
    assert len(found) >= 5
    return found


@pytest.fixture(scope="module")
def registry(rows: list[dict[str, Any]]) -> Iterator[tuple[Registry, str]]:
    """The registries' app, plus a registry of passports paged by a cursor behind a token."""
    reg = build()

    @reg.app.get("/rest/passports")
    def passports(request: Request, active: str, after: int = 0, limit: int = 100) -> Response:
        reg.requests.append({"path": "passports", "after": after, "active": active,
                             "authorization": request.headers.get("authorization")})
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Response(status_code=401)
        nxt = str(after + limit) if after + limit < len(rows) else None
        return Response(json.dumps({"results": rows[after: after + limit],
                                    "paging": {"next": nxt}}), media_type="application/json")

    with serve_in_thread(reg.app) as url:
        yield reg, url


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["adapter", "run", *args, "--format", "json"])
    out = capsys.readouterr().out
    assert TOKEN not in out
    return code, json.loads(out)


def test_a_rest_mapping_plans_applies_drafts_of_its_source_and_reruns_unchanged(
        registry: tuple[Registry, str], rows: list[dict[str, Any]], data_dir: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    reg, url = registry
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SEMCAT_ADAPTERS_DIR", str(tmp_path))
    mapping = _write(tmp_path, "asp-rest.yaml",
                     REST.format(url=url, setting=SETTING) + FIELDS)

    monkeypatch.delenv(SETTING, raising=False)
    assert main(["adapter", "run", str(mapping), "--dry-run", "--format", "json"]) == 2
    assert f"the setting {SETTING} that holds the source's secret is not set" in \
        capsys.readouterr().err

    monkeypatch.setenv(SETTING, TOKEN)
    assert main(["adapter", "check", str(mapping)]) == 0
    assert capsys.readouterr().out.startswith("ok: asp-rest (rest source, service records")
    code, plan = _run(capsys, str(mapping), "--dry-run")
    assert code == 0, plan["records"]
    assert plan["dry_run"] is True
    assert plan["counts"] == {"created": len(rows), "updated": 0, "unchanged": 0,
                              "rejected": 0}
    assert [r["key"] for r in plan["records"]] == [r["id"] for r in rows]
    asked = [r for r in reg.requests if r["path"] == "passports"]
    assert [r["after"] for r in asked] == list(range(0, len(rows), 4))
    assert {(r["active"], r["authorization"]) for r in asked} == {("true", f"Bearer {TOKEN}")}

    code, applied = _run(capsys, str(mapping))
    assert (code, applied["dry_run"]) == (0, False)
    assert applied["counts"]["created"] == len(rows)
    code, again = _run(capsys, "asp-rest")
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": len(rows),
                               "rejected": 0}

    catalog = Catalog(Settings(env="test", data_dir=data_dir))
    try:
        for row in rows:
            iri = catalog.kinds["service"].iri(catalog.settings.base_uri, row["id"])
            assert [(v.status, v.author) for v in catalog.ledger.versions(iri)] == \
                [("draft", "source:asp-rest")]
            # where each came from: the registry's address (no query), the key, the adapter
            content = catalog.ledger.version(iri, 1).content
            assert provenance_of(iri, content) == {
                "key": row["id"], "part_of": f"<{url}/rest/passports>",
                "agent": '"source:asp-rest"'}
            [view] = History(catalog).versions(row["id"], Principal.operator("t"))
            assert view.provenance is not None
            assert {k: view.provenance[k] for k in ("source", "run", "key", "location")} == {
                "source": "source:asp-rest", "run": str(applied["run"]["id"]),
                "key": row["id"], "location": f"{url}/rest/passports"}
    finally:
        catalog.close()


PAGINATIONS = {
    "page": "{style: page, size: 40}",
    "offset": "{style: offset, size: 40, size_param: limit}",
    "cursor": "{style: cursor, size: 40, next: meta.next}",
    "link": "{style: link}",
}
ITERATORS = {"page": "items", "offset": "items", "cursor": "data", "link": None}


def _source(folder: Path, text: str, catalog: Catalog | None = None) -> Source:
    spec = load(_write(folder, "m.yaml", text))
    settings = catalog.settings if catalog else Settings(env="test", data_dir=folder / "d")
    return default_registry().build(spec, SourceContext(settings, catalog=catalog))


def _rest(url: str, path: str, pagination: str, iterator: str | None, extra: str = "") -> str:
    record = f"{{key: id, iterator: {iterator}}}" if iterator else "{key: id}"
    return (f"name: styles\ninstitution: ASP\nsource:\n  type: rest\n  base_url: {url}\n"
            f"  path: {path}\n  pagination: {pagination}\n{extra}record: {record}\n"
            f"fields: {{code: id}}\n")


@pytest.mark.parametrize("style", sorted(PAGINATIONS))
def test_every_declared_paging_style_reads_every_record_once(
        registry: tuple[Registry, str], style: str, tmp_path: Path) -> None:
    reg, url = registry
    before = reg.hits[style]
    src = _source(tmp_path, _rest(url, f"/rest/{style}", PAGINATIONS[style], ITERATORS[style]))
    try:
        assert [i.key for i in src.items()] == [r["id"] for r in RECORDS]
    finally:
        src.close()
    assert reg.hits[style] - before == (3 if style == "link" else 7)


def test_timeouts_caps_and_auth_are_those_the_mapping_declares(
        registry: tuple[Registry, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, url = registry
    monkeypatch.setenv(SETTING, TOKEN)
    extra = ("  timeout_s: 0.5\n  connect_timeout_s: 0.2\n  max_bytes: 2048\n  retries: 2\n"
             "  auth: {type: basic, username: semcat, password: {env: SEMCAT_NOT_SET_HERE}}\n")
    with pytest.raises(ConfigurationError) as err:
        _source(tmp_path, _rest(url, "/rest/page", "{style: page}", "items", extra))
    assert err.value.field == "SEMCAT_NOT_SET_HERE"
    src: Any = _source(tmp_path, _rest(url, "/rest/page", "{style: page}", "items",
                                       extra.replace("SEMCAT_NOT_SET_HERE", SETTING)
                                       .replace("basic, username: semcat", "header, "
                                                "header: X-API-Key").replace("password",
                                                                             "token")))
    try:
        limits = src.config.limits
        assert (limits.total_s, limits.connect_s, limits.read_s, limits.max_bytes) == \
            (0.5, 0.2, 0.5, 2048)
        assert src.config.retries.attempts == 2
        assert (src.config.auth.scheme, src.config.auth.header, src.config.auth.setting) == \
            ("header", "X-API-Key", SETTING)
        assert TOKEN not in repr(src.config)
        with pytest.raises(RegistryAnswerRefused) as cut:  # a page of 100 is over 2048 bytes
            list(src.items())
        assert cut.value.message_id == "registry.answer_too_large"
    finally:
        src.close()


@pytest.mark.parametrize(("old", "new", "where"), [
    ("{key: id,", "{key: {template: 'R-{id}'},", "record.key"),
    ("iterator: items", "iterator: 'items[?fee > `1`]'", "record.iterator"),
    ("{style: page}", "{style: cursor, next: 'meta.next[0]'}", "source.pagination.next"),
    ("record:", "  auth: {type: basic, password: {env: SEMCAT_X}}\nrecord:",
     "source.auth.username"),
    ("record:", "  auth: {type: bearer}\nrecord:", "source.auth.token"),
])
def test_what_a_rest_source_cannot_use_is_a_clear_mapping_error(
        registry: tuple[Registry, str], tmp_path: Path, old: str, new: str,
        where: str) -> None:
    _, url = registry
    text = _rest(url, "/rest/page", "{style: page}", "items").replace(old, new)
    with pytest.raises(InvalidInput) as err:
        _source(tmp_path, text)
    assert err.value.message_id == "adapter.mapping_invalid"
    assert err.value.field == where


# --- SOAP -----------------------------------------------------------------------------------
SOAP = """
name: population
institution: ASP
source:
  type: soap
  bundle: {bundle}
  wsdl: population-register.wsdl
  operation: ListPersons
  endpoint: {url}/soap/ok
  pagination: {{page_field: Page, size_field: PageSize, size: 10}}
  header_profile: mconnect
  header: {header}
  timeout_s: 5
record:
  iterator: p:ListPersonsResponse/p:Person
  key: p:IDNP
  namespaces: {{p: "{pop}"}}
fields: {{code: p:IDNP}}
"""
HEADER = "{CallingUser: '2000000000001', CallingEntity: '1003600000000', " \
         "CallBasis: 'Legea nr. 100/2001, art. 73', CallReason: 'ASP-0002: 17'}"


def _soap(url: str, header: str, extra: str = "") -> str:
    text = SOAP.format(bundle=EXAMPLE, url=url, header=header, pop=POP)
    return text.replace("  timeout_s: 5\n", f"  timeout_s: 5\n{extra}")


def test_a_soap_mapping_pages_the_mconnect_example_with_its_header(
        registry: tuple[Registry, str], tmp_path: Path) -> None:
    reg, url = registry
    src = _source(tmp_path, _soap(url, HEADER))
    try:
        assert [i.key for i in src.items()] == [p[0] for p in PERSONS]
    finally:
        src.close()
    calls = [r for r in reg.requests if r.get("case") == "ok"][-3:]
    assert [c["call"].findtext(f"{{{POP}}}Page") for c in calls] == ["1", "2", "3"]
    assert calls[0]["headers"] == {
        "CallingUser": "2000000000001", "CallingEntity": "1003600000000",
        "CallBasis": "Legea nr. 100/2001, art. 73", "CallReason": "ASP-0002: 17"}
    assert reg.hits["wsdl-ok"] == 0  # the WSDL came from the bundle


def test_mconnect_call_basis_comes_from_the_service_the_calls_are_made_for(
        registry: tuple[Registry, str], tmp_path: Path) -> None:
    reg, url = registry
    catalog = Catalog(Settings(env="test", data_dir=tmp_path / "demo"))
    try:
        load_demo(catalog)
        header = "{CallingUser: '2000000000001', CallingEntity: '1003600000000', " \
                 "request: 'cererea nr. 17/2026'}"
        src = _source(tmp_path, _soap(url, header, "  on_behalf_of: ASP-0001\n"), catalog)
        try:
            assert len(list(src.items())) == len(PERSONS)
        finally:
            src.close()
        sent = reg.requests[-1]["headers"]
        assert sent["CallBasis"] == \
            "Legea nr. 131/2007 privind siguranța traficului rutier, art. 20"
        assert sent["CallReason"] == \
            "ASP-0001 Eliberarea permisului de conducere: cererea nr. 17/2026"
        with pytest.raises(NotFound):
            _source(tmp_path, _soap(url, header, "  on_behalf_of: ASP-9999\n"), catalog)
    finally:
        catalog.close()


@pytest.mark.parametrize(("header", "extra", "where"), [
    ("{CallingUser: '1'}", "", "source.header.CallBasis"),
    (HEADER.replace("CallReason", "Reason"), "", "source.header.CallReason"),
    ("{CallingUser: '1', CallingEntity: '2'}", "  on_behalf_of: ASP-0001\n",
     "source.on_behalf_of"),
])
def test_a_header_the_profile_cannot_fill_is_a_clear_mapping_error(
        registry: tuple[Registry, str], tmp_path: Path, header: str, extra: str,
        where: str) -> None:
    _, url = registry
    with pytest.raises(InvalidInput) as err:
        _source(tmp_path, _soap(url, header, extra))
    assert (err.value.message_id, err.value.field) == ("adapter.mapping_invalid", where)


def test_the_real_x_road_wsdl_from_a_mapping_sends_the_x_road_header(
        registry: tuple[Registry, str], tmp_path: Path, shared: Path) -> None:
    reg, url = registry
    text = f"""
name: random
institution: ASP
source:
  type: soap
  bundle: {shared / "soap" / "xroad"}
  wsdl: xroad6-getRandom.wsdl
  operation: getRandom
  arguments: {{amount: 3}}
  endpoint: {url}/soap/xroad
  header_profile: x-road-4.0
  header: {{client: EE/GOV/70000001/semcat, service: EE/GOV/70000002/registry/getRandom/v1,
            userId: EE38001010000}}
record: {{iterator: '*/randomValues/randomValue', key: '.'}}
fields: {{code: '.'}}
"""
    src = _source(tmp_path, text)
    try:
        assert [i.key for i in src.items()] == ["0.0", "0.25", "0.5"]
    finally:
        src.close()
    sent = reg.requests[-1]["headers"]
    assert (sent["userId"], sent["protocolVersion"]) == ("EE38001010000", "4.0")
    assert [e.text for e in sent["client"]] == ["EE", "GOV", "70000001", "semcat"]


def test_a_soap_mapping_dry_run_reads_every_person_through_the_engine(
        registry: tuple[Registry, str], rows: list[dict[str, Any]], data_dir: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The population register is no registry of services: every person is planned as a
    rejection naming what a passport lacks, never what the engine failed to read."""
    _, url = registry
    monkeypatch.setenv("SEMCAT_DATA_DIR", str(data_dir))
    text = _soap(url, HEADER).replace(
        "fields: {code: p:IDNP}",
        "fields:\n  code: {mint: {prefix: ASP}}\n"
        "  title: {ro: {template: 'Certificat {p:LastName} {p:FirstName}'}}\n"
        "  description: {ro: {template: 'Născut la {p:BirthDate}'}}\n"
        f"  competent_authority: {{constant: '{rows[0]['authority']}'}}\n")
    mapping = _write(tmp_path, "population.yaml", text)
    code, plan = _run(capsys, str(mapping), "--dry-run")
    assert code == 1
    assert plan["counts"] == {"created": 0, "updated": 0, "unchanged": 0,
                              "rejected": len(PERSONS)}
    assert [r["key"] for r in plan["records"]] == [p[0] for p in PERSONS]
    # a minted code is a new one: never the code of a nomenclature entry (a person under
    # ASP-0001 would be a passport of that service, inheriting its template)
    catalog = Catalog(Settings(env="test", data_dir=data_dir))
    try:
        entries = catalog.templates.codes()
    finally:
        catalog.close()
    minted = [r["code"] for r in plan["records"]]
    assert "ASP-0001" in entries
    assert len(set(minted)) == len(PERSONS)
    assert all(c.startswith("ASP-") for c in minted)
    assert not set(minted) & entries
    fields = {reason["field"] for r in plan["records"] for reason in r["reasons"]}
    # only what the mapping does not give: the names, dates and authority were all read
    assert fields == {"http://data.europa.eu/m8g/hasLegalResource",
                      "http://data.europa.eu/m8g/isGroupedBy", "http://purl.org/dc/terms/audience"}


def test_files_a_mapping_names_are_read_beside_it(
        registry: tuple[Registry, str], tmp_path: Path) -> None:
    """``url_map`` files join the X-Road schemas the hub maps by default; TLS files are the
    mapping's, and a missing one is named (never its content)."""
    _, url = registry
    extra = ("  url_map: {'https://registre.example.gov.md/common.xsd': defs/common.xsd}\n"
             "  tls: {ca_file: pki/ca.pem}\n")
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "common.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>', encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        _source(tmp_path, _soap(url, HEADER, extra))
    assert (err.value.message_id, err.value.value) == ("registry.tls_files", "ca.pem")
    src: Any = _source(tmp_path, _soap(url, HEADER, extra.splitlines(keepends=True)[0]))
    try:
        mapped = src.config.url_map
        assert mapped["https://registre.example.gov.md/common.xsd"] == \
            tmp_path / "defs" / "common.xsd"
        assert "http://x-road.eu/xsd/xroad.xsd" in mapped
        assert len(list(src.items())) == len(PERSONS)
    finally:
        src.close()
