"""Browser sessions (catalog/workflow/sessions.py, api/pages/session.py, /login, /logout): the
cookie's flags, CSRF and origin checks, expiry, revocation, logout, the throttle, `next`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from api.pages.session import COOKIE, safe_next
from catalog.core import Catalog
from catalog.ledger.db import write_session
from catalog.settings import Settings
from catalog.workflow.access import Tokens, Unauthenticated
from catalog.workflow.sessions import Sessions, csrf_token
from tests.conftest import open_catalog

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("s") / "data",
                        query_workers=1, auth_failures_per_minute=5, session_ttl_s=600)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        from catalog.demo import load_reference

        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        yield c


def _engine(c: TestClient) -> Engine:
    engine: Engine = c.app.state.catalog.engine
    return engine


def _token(c: TestClient, institution: str = "ASP", role: str = "publisher") -> tuple[int, str]:
    return Tokens(_engine(c)).create(institution, role)


def _nonce(c: TestClient) -> str:
    r = c.get("/login")
    assert r.status_code == 200
    m = re.search(r'name="nonce" value="([^"]+)"', r.text)
    assert m is not None
    return m.group(1)


def _login(c: TestClient, secret: str, next_path: str = "", **headers: str
           ) -> tuple[str, httpx.Response]:
    """Log in with ``secret``; the session id set and the answer."""
    c.cookies.clear()
    nonce = _nonce(c)
    r = c.post("/login", data={"nonce": nonce, "token": secret, "next": next_path},
               headers={**FORM, "Sec-Fetch-Site": "same-origin", **headers})
    return r.cookies.get(COOKIE, ""), r


def _client_ip_reset(c: TestClient) -> None:
    c.app.state.auth_failures._failures.clear()  # type: ignore[attr-defined]


def test_login_sets_an_httponly_strict_session_cookie_and_goes_to_next(
        app_client: TestClient) -> None:
    _, secret = _token(app_client)
    sid, r = _login(app_client, secret, "/my/services/ASP-0001/history")
    assert r.status_code == 303
    assert r.headers["location"] == "/my/services/ASP-0001/history?lang=ro"
    cookie = next(h for h in r.headers.get_list("set-cookie")
                  if h.startswith(COOKIE + "="))
    flags = {f.strip().lower() for f in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/", "max-age=600"} <= flags
    assert "secure" not in flags  # the hub is plain http here
    assert sid
    assert sid != secret
    holder = Sessions(_engine(app_client), 600).principal(sid)
    assert holder is not None
    assert holder.institution == "ASP"
    # the ledger keeps only a hash of the session id
    with write_session(_engine(app_client)) as s:
        stored = [row[0] for row in s.execute(text("SELECT id_hash FROM browser_session"))]
    assert sid not in stored
    assert len(stored[-1]) == 64


def test_the_cookie_is_secure_when_the_hub_is_https(tmp_path_factory: pytest.TempPathFactory
                                                    ) -> None:
    settings = Settings(env="test", data_dir=tmp_path_factory.mktemp("h") / "data",
                        query_workers=1, base_uri="https://catalog.example.md/")
    with TestClient(create_app(settings), follow_redirects=False,
                    base_url="https://catalog.example.md") as c:
        from catalog.demo import load_reference

        load_reference(c.app.state.catalog)  # type: ignore[attr-defined]
        _, secret = _token(c)
        sid, r = _login(c, secret)
        assert sid
        cookie = next(h for h in r.headers.get_list("set-cookie")
                      if h.startswith(COOKIE + "="))
        assert "secure" in {f.strip().lower() for f in cookie.split(";")}


@pytest.mark.parametrize("evil", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                  "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1", ""])
def test_next_is_only_ever_a_local_path(app_client: TestClient, evil: str) -> None:
    assert safe_next(evil) == "/my"
    _, secret = _token(app_client)
    _, r = _login(app_client, secret, evil)
    assert r.headers["location"] == "/my?lang=ro"


def test_a_bad_token_is_refused_counted_and_throttled(app_client: TestClient) -> None:
    _client_ip_reset(app_client)
    statuses = [_login(app_client, f"sc_guess{n}")[1].status_code
                for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    _, good = _token(app_client)
    _, r = _login(app_client, good)
    assert r.status_code == 429  # a valid token too, for the minute
    assert "Prea multe încercări" in r.text
    _client_ip_reset(app_client)


def test_the_login_form_needs_its_own_nonce_and_a_same_site_origin(app_client: TestClient
                                                                    ) -> None:
    _, secret = _token(app_client)
    app_client.cookies.clear()
    r = app_client.post("/login", data={"token": secret, "nonce": "forged"}, headers=FORM)
    assert r.status_code == 403
    assert COOKIE not in r.cookies
    _nonce(app_client)
    r = app_client.post("/login", data={"token": secret, "nonce": "x"},
                        headers={**FORM, "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert r.json()["field"] == "Sec-Fetch-Site"
    r = app_client.post("/login", data={"token": secret, "nonce": "x"},
                        headers={**FORM, "Origin": "https://evil.example"})
    assert r.status_code == 403
    assert r.json()["field"] == "Origin"


def test_logout_needs_this_sessions_csrf_token_and_ends_the_session(app_client: TestClient
                                                                    ) -> None:
    sessions = Sessions(_engine(app_client), 600)
    _, other_secret = _token(app_client, "CNAS")
    other_sid, _ = _login(app_client, other_secret)
    _, secret = _token(app_client)
    sid, _ = _login(app_client, secret)
    app_client.cookies.set(COOKIE, sid)
    for sent in ({}, {"csrf": csrf_token(other_sid)}, {"csrf": ""}):
        r = app_client.post("/logout", data=sent, headers=FORM)
        assert r.status_code == 403, sent
        assert r.json()["field"] == "csrf"
        assert sessions.principal(sid) is not None
    r = app_client.post("/logout", data={"csrf": csrf_token(sid)}, headers=FORM)
    assert r.status_code == 303
    assert sessions.principal(sid) is None
    assert sessions.principal(other_sid) is not None
    assert 'Max-Age=0' in r.headers["set-cookie"] or 'max-age=0' in r.headers["set-cookie"]
    # the login page no longer knows them
    assert "Autentificat ca" not in app_client.get("/login").text


def test_without_a_session_logout_is_a_redirect_to_login(app_client: TestClient) -> None:
    app_client.cookies.clear()
    r = app_client.post("/logout", data={"csrf": "x"}, headers=FORM)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/logout")


def test_an_expired_session_is_no_session(app_client: TestClient) -> None:
    sessions = Sessions(_engine(app_client), 600)
    _, secret = _token(app_client)
    sid, _ = _login(app_client, secret)
    assert sessions.principal(sid) is not None
    with write_session(_engine(app_client)) as s:
        s.execute(text("UPDATE browser_session SET expires_at = :t"),
                  {"t": datetime.now(UTC) - timedelta(seconds=1)})
    assert sessions.principal(sid) is None
    app_client.cookies.set(COOKIE, sid)
    assert "Autentificat ca" not in app_client.get("/login").text


def test_revoking_the_token_ends_its_sessions(app_client: TestClient) -> None:
    sessions = Sessions(_engine(app_client), 600)
    token_id, secret = _token(app_client)
    sid, _ = _login(app_client, secret)
    app_client.cookies.set(COOKIE, sid)
    assert "Autentificat ca" in app_client.get("/login").text
    Tokens(_engine(app_client)).revoke(token_id)
    assert sessions.principal(sid) is None
    assert "Autentificat ca" not in app_client.get("/login").text
    with pytest.raises(Unauthenticated):
        sessions.open(secret)


def test_neither_the_token_nor_the_session_id_is_logged(app_client: TestClient,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    _, secret = _token(app_client)
    with caplog.at_level(logging.DEBUG):
        sid, _ = _login(app_client, secret)
        app_client.cookies.set(COOKIE, sid)
        app_client.post("/logout", data={"csrf": csrf_token(sid)}, headers=FORM)
    assert sid
    assert secret not in caplog.text
    assert sid not in caplog.text


def test_sessions_on_each_ledger_back_end(ledger_settings: Settings) -> None:
    cat: Catalog = open_catalog(ledger_settings)
    try:
        token_id, secret = Tokens(cat.engine).create("ASP", "reviewer")
        sessions = Sessions(cat.engine, 60)
        opened = sessions.open(secret)
        holder = sessions.principal(opened.session_id)
        assert holder is not None
        assert holder.role.value == "reviewer"
        assert sessions.principal("ss_unknown") is None
        assert sessions.close_all(token_id) == 1
        assert sessions.principal(opened.session_id) is None
    finally:
        cat.close()


def test_signing_in_again_ends_the_session_before(app_client: TestClient) -> None:
    sessions = Sessions(_engine(app_client), 600)
    _, secret = _token(app_client)
    first, _ = _login(app_client, secret)
    app_client.cookies.set(COOKIE, first)
    nonce = _nonce(app_client)
    r = app_client.post("/login", data={"nonce": nonce, "token": secret},
                        headers={**FORM, "Sec-Fetch-Site": "same-origin"})
    second = r.cookies.get(COOKIE, "")
    assert second
    assert second != first
    assert sessions.principal(first) is None
    assert sessions.principal(second) is not None
