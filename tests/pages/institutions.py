"""Helpers of the institutions' page tests: a demo hub whose data folder the test knows (so that
`semcat token create` and `semcat token revoke` act on its ledger, as an operator does), signing
in through the login form, and a passport changed and submitted through the API."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Page

from tests.servers import free_port, semcat_serving

SEMCAT = Path(sys.executable).parent / "semcat"


def token_cli(env: dict[str, str], *args: str) -> str:
    """`semcat token ARGS` on the hub whose settings are ``env`` (its SEMCAT_DATA_DIR), as an
    operator runs it; what it prints."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("SEMCAT_")} | env
    done = subprocess.run([str(SEMCAT), "token", *args], env=full, capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.strip()


@dataclass
class Hub:
    """A running hub: its base URL and the settings it was started with (``env``)."""

    url: str
    env: dict[str, str]

    def _cli(self, *args: str) -> str:
        return token_cli(self.env, *args)

    def token(self, institution: str, role: str = "publisher") -> str:
        """A new token, as `semcat token create` prints it."""
        return self._cli("create", "--institution", institution, "--role", role)

    def newest_token_id(self) -> int:
        """The id of the newest token (the one just issued), from `semcat token list`."""
        lines = [line.split("\t") for line in self._cli("list").splitlines()]
        return max(int(cols[0]) for cols in lines)

    def revoke(self, token_id: int) -> None:
        self._cli("revoke", "--id", str(token_id))

    def submit_change(self, secret: str, code: str, title_ro: str) -> None:
        """A new draft of ``code`` with another Romanian title, submitted for review."""
        auth = {"Authorization": f"Bearer {secret}"}
        with httpx.Client(base_url=self.url, timeout=30) as c:
            r = c.get(f"/api/v1/services/{code}", params={"version": "latest"},
                      headers={**auth, "Accept": "application/json"})
            r.raise_for_status()
            doc = r.json()
            doc["title"]["ro"] = title_ro
            r = c.put(f"/api/v1/services/{code}", json=doc,
                      headers={**auth, "If-Match": r.headers["etag"]})
            assert r.status_code == 200, r.text
            r = c.post(f"/api/v1/services/{code}/submit", json={},
                       headers={**auth, "If-Match": r.headers["etag"]})
            assert r.status_code == 200, r.text


@contextmanager
def institutions_hub(folder: Path, base_uri: str | None = None) -> Iterator[Hub]:
    """`semcat serve` with the demo data, its data folder at hand; the records' IRIs start
    with ``base_uri`` (default: the hub's own address)."""
    port = free_port()
    env = {"SEMCAT_DATA_DIR": str(folder / "data"), "SEMCAT_LOAD_DEMO": "true",
           "SEMCAT_BASE_URI": base_uri or f"http://127.0.0.1:{port}/",
           "SEMCAT_QUERY_WORKERS": "1"}
    with semcat_serving(folder / "serve.log", env, port=port) as served:
        yield Hub(served.url, env)


def sign_in(page: Page, url: str, secret: str) -> None:
    """Fill the login form (already open at ``url``) and send it with the keyboard."""
    if url:
        page.goto(url)
    page.locator("#token").fill(secret)
    page.locator("#token").press("Enter")
    page.wait_for_load_state()
