"""Driving the pages as a person does: Playwright over Debian's Chromium (never a browser that
Playwright downloads), the checks every page must pass (no script error, nothing the
Content-Security-Policy refused, axe-core's serious and critical findings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Error, Page, Request

ROOT = Path(__file__).resolve().parents[2]
#: axe-core from npm (web/package-lock.json); `make test` installs it with the other assets
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
#: the flags the guide asks for, on every launch
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class Watched:
    """What went wrong on a page while a test used it: script errors, console errors (the
    CSP's refusals among them) and requests that failed."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> Page:
        page.on("pageerror", lambda e: self.errors.append(f"script error: {e}"))
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        return page

    def _failed(self, request: Request) -> None:
        # the browser's own favicon fetch, cut short when the test moves on: not the page's
        if request.url.endswith("/favicon.svg") and "ERR_ABORTED" in (request.failure or ""):
            return
        self.errors.append(f"request failed: {request.method} {request.url} "
                           f"({request.failure})")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


def axe_findings(page: Page, impacts: tuple[str, ...] = ("serious", "critical")
                 ) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it stands, of the given impacts (each with its
    rule id, help text and the first offending elements)."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `make assets` (npm ci in web/)")
    try:
        page.evaluate(AXE.read_text("utf-8"))  # DevTools evaluation: not subject to the CSP
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    except Error as e:
        raise AssertionError(f"axe-core did not run: {e}") from e
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in result["violations"] if v["impact"] in impacts]
