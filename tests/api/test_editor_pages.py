"""The passport editor without scripts (in process): the page shows the passport's current
values, a save with mistakes answers the form again with each problem by its field and the
clerk's input kept, and the live-validation route and the saves need the session and its CSRF
token."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from catalog.demo import load_reference
from catalog.settings import Settings
from catalog.workflow.access import Tokens
from tests.builders import BASE, passport

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
ASP = BASE + "id/org/asp"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("ed") / "data",
                        query_workers=1)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def signed_in(c: TestClient, institution: str = "ASP") -> tuple[str, str]:
    """Sign in with a new token of ``institution``; the token and the session's CSRF token."""
    _, secret = Tokens(c.app.state.catalog.engine).create(institution, "publisher")  # type: ignore[attr-defined]
    c.cookies.clear()
    nonce = re.search(r'name="nonce" value="([^"]+)"', c.get("/login").text)
    assert nonce is not None
    r = c.post("/login", data={"nonce": nonce.group(1), "token": secret, "next": "/my"},
               headers=FORM)
    assert r.status_code == 303, r.text
    page = c.get("/my/services/new").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    return secret, csrf.group(1)


def field_block(html: str, name: str) -> str:
    """The HTML of the field block ``data-field=name``, up to the next block."""
    start = html.index(f'data-field="{name}"')
    following = html.find('data-field="', start + 12)
    return html[start:following if following > 0 else None]


def test_the_edit_page_shows_the_current_values_without_scripts(client: TestClient) -> None:
    secret, _ = signed_in(client)
    doc = json.loads(passport("ASP-9601").model_dump_json(exclude_none=True))
    r = client.post("/api/v1/services", json=doc, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 201, r.text
    html = client.get("/my/services/ASP-9601/edit?lang=en").text
    assert 'value="Serviciu de test"' in field_block(html, "title.ro")
    citizen = BASE + "codelist/audience/citizen"
    assert re.search(rf'value="{re.escape(citizen)}" checked', field_block(html, "audiences"))
    assert f'value="{ASP}" selected' in field_block(html, "competent_authority")
    cost = doc["costs"][0]
    assert f'value="{cost["value"]}"' in field_block(html, "costs.0.value")
    assert 'data-field="costs.1"' in html  # and a blank cost to fill without scripts
    assert '<script src="/static/lib/editor.js" defer></script>' in html
    assert re.search(r'name="etag" value="[^"]+"', html)  # the version the form edits


def test_a_save_with_mistakes_answers_the_form_with_each_problem_by_its_field(
        client: TestClient) -> None:
    _, csrf = signed_in(client)
    form = {"csrf": csrf, "etag": "", "code": "ASP-9602", "title.ro": "", "title.en": "Mine",
            "description.ro": "Descriere", "competent_authority": ASP,
            "costs.0.title.ro": "Taxa", "costs.0.value": "mult", "costs.0.currency": "",
            "action": "save"}
    r = client.post("/my/services/new?lang=ru", data=form, headers=FORM)
    assert r.status_code == 422
    html = r.text
    block = field_block(html, "title.ro")
    assert 'aria-invalid="true" aria-describedby="m-title-ro"' in block
    assert 'id="m-title-ro"><p class="ed-violation">title.ro: текст пуст' in block
    assert "costs.0.value: должно быть числом" in field_block(html, "costs.0.value")
    assert 'value="mult"' in field_block(html, "costs.0.value")  # the input is kept
    assert 'value="Mine"' in field_block(html, "title.en")
    assert '<a href="#f-title-ro">title.ro: текст пуст' in html  # the summary links to it
    assert client.app.state.catalog.ledger.record_iri("service", "ASP-9602") is None  # type: ignore[attr-defined]


def test_the_live_check_answers_findings_by_field(client: TestClient) -> None:
    _, csrf = signed_in(client)
    r = client.post("/my/services/check?lang=en", headers=FORM, data={
        "csrf": csrf, "code": "ASP-9603", "title.ro": "Titlu", "costs.0.value": "1",
        "costs.0.currency": "XYZ"})
    assert r.status_code == 200
    found = {f["field"]: f["text"] for f in r.json()["findings"]}
    assert found["costs.0.currency"].startswith("costs.0.currency: unknown code 'XYZ'")
    assert r.json()["lang"] == "en"


def test_the_editor_needs_the_session_and_its_csrf_token(client: TestClient) -> None:
    signed_in(client)
    assert client.post("/my/services/check", data={"code": "ASP-9604"},
                       headers=FORM).status_code == 403
    assert client.post("/my/services/new", data={"csrf": "forged", "code": "ASP-9604"},
                       headers=FORM).status_code == 403
    client.cookies.clear()
    r = client.get("/my/services/new?lang=ru")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/my/services/new")
    assert client.post("/my/services/check", data={}, headers=FORM).status_code == 303


def test_another_institutions_passport_is_not_found(client: TestClient) -> None:
    secret, _ = signed_in(client)
    doc = json.loads(passport("ASP-9605").model_dump_json(exclude_none=True))
    assert client.post("/api/v1/services", json=doc, headers={
        "Authorization": f"Bearer {secret}"}).status_code == 201
    _, csrf = signed_in(client, "CNAS")
    assert client.get("/my/services/ASP-9605/edit").status_code == 404
    r = client.post("/my/services/ASP-9605/edit", data={"csrf": csrf, "title.ro": "x"},
                    headers=FORM)
    assert r.status_code == 404
    assert client.get("/my/services/not-a-code/edit").status_code == 404


def test_the_pickers_offer_the_code_lists_in_the_page_language(client: TestClient) -> None:
    signed_in(client)
    html = client.get("/my/services/new?lang=ru").text
    assert ">Гражданин Республики Молдова</label>" in field_block(html, "audiences")
    assert ">евро</option>" in html
    legal = field_block(html, "legal_resources")
    assert 'class="ed-box ed-sub"' in legal  # articles under their acts


class _Form(HTMLParser):
    """The fields a browser sends for the page's form #editor (inputs, checked boxes, the
    selected options, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "editor":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if (tag == "input" and a.get("type") not in ("checkbox",)) or \
                (tag == "input" and "checked" in a):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and not self._template:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def form_of(html: str) -> list[tuple[str, str]]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def test_a_passport_saved_unchanged_from_its_form_is_the_same_version(
        client: TestClient) -> None:
    secret, _ = signed_in(client)
    doc = json.loads(passport("ASP-9606").model_dump_json(exclude_none=True))
    assert client.post("/api/v1/services", json=doc, headers={
        "Authorization": f"Bearer {secret}"}).status_code == 201
    fields = form_of(client.get("/my/services/ASP-9606/edit?lang=en").text)
    r = client.post("/my/services/ASP-9606/edit?lang=en", headers=FORM,
                    content=urlencode([*fields, ("action", "submit")]))
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/my/services/ASP-9606/edit?lang=en&submitted=1"
    stored = client.get("/api/v1/services/ASP-9606", params={"version": "latest"},
                        headers={"Authorization": f"Bearer {secret}"})
    assert stored.headers["x-version"] == "1"  # the form changed nothing
    assert stored.json() == doc

    fields = form_of(client.get("/my/services/ASP-9606/edit?lang=en").text)
    r = client.post("/my/services/ASP-9606/edit?lang=en", headers=FORM,
                    content=urlencode([*fields, ("action", "submit")]))
    assert r.status_code == 409  # already submitted: said, and the form goes on
    assert "Draft saved (version 1)." in r.text
    assert 'role="alert"' in r.text


def test_every_demo_passport_reads_back_from_its_form_unchanged(tmp_path: Path) -> None:
    from starlette.datastructures import FormData

    from api.pages.editor_form import to_document
    from catalog.demo import load_demo
    from catalog.records.passport import Passport, to_triples

    settings = Settings(env="test", data_dir=tmp_path / "data", query_workers=1)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        load_demo(c.app.state.catalog)  # type: ignore[attr-defined]
        secret, _ = signed_in(c, "ASP")
        auth = {"Authorization": f"Bearer {secret}"}
        codes = [s["code"] for s in c.get("/api/v1/services", params={"limit": 100}).json()[
            "items"] if s["code"].startswith("ASP-")]
        assert len(codes) >= 10
        for code in codes:
            fields = form_of(c.get(f"/my/services/{code}/edit").text)
            stored = c.get(f"/api/v1/services/{code}", headers=auth).json()
            read = Passport.model_validate(to_document(FormData(fields), code))
            want = Passport.model_validate(stored)  # the same RDF: the same version
            iri = f"{BASE}id/service/{code}"
            assert set(to_triples(read, iri)) == set(to_triples(want, iri)), code
