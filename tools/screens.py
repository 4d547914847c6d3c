"""Screenshots of every page type (tests/pages/catalogue.py) in Romanian, Russian and English, on
a phone (390x844) and a desktop (1280x900) window, into docs/screens/, with a README listing them.

    python -m tools.screens [--only NAME,NAME] [--out docs/screens]     (make screens)

It starts `semcat serve` with the demo data on a free loopback port (a fresh data folder,
prepared as tests/pages/catalogue.py says: a change awaiting review), signs in through /login
with a token made by `semcat token create` where a page type needs a role, and photographs
each page whole, cut at ``MAX_HEIGHT`` pixels to keep the files small.
``--only`` retakes some page types and keeps the other files; the README always lists every
page type of the registry (tests/pages/test_screens.py checks it against the files).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.pages.browsing import CHROMIUM_ARGS
from tests.pages.catalogue import LANGUAGES, PAGES, PageType, prepare
from tests.pages.institutions import Hub, institutions_hub, sign_in

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screens"
CHROMIUM = "/usr/bin/chromium"  # Debian's package `chromium`
#: the IRIs of `make run` (the same in every picture, whatever port serves them)
BASE_URI = "http://127.0.0.1:8000/"
#: the windows: name -> (width, height)
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
#: where a full-page picture is cut, by window (a long list need not be photographed whole)
MAX_HEIGHT = {"phone": 2400, "desktop": 1800}
#: the colours a picture keeps (text on white: no visible loss, a third of the bytes)
COLOURS = 64
_LANGUAGE_NAMES = {"ro": "Romanian", "ru": "Russian", "en": "English"}


def file_name(page: str, lang: str, size: str) -> str:
    return f"{page}-{lang}-{size}.png"


def expected_files() -> list[str]:
    """Every screenshot the registry calls for."""
    return [file_name(p.name, lang, size) for p in PAGES for lang in LANGUAGES for size in SIZES]


def readme() -> str:
    """docs/screens/README.md: one row per page type, a link per language and window."""
    head = ["# Screenshots of the pages", "",
            "Every page type of `tests/pages/catalogue.py` on the demo data, taken by "
            "`make screens` (`python -m tools.screens`) with Debian's Chromium: a phone window "
            "(390x844) and a desktop one (1280x900), whole pages cut at "
            f"{MAX_HEIGHT['phone']} and {MAX_HEIGHT['desktop']} pixels, {COLOURS} colours. "
            "`python -m tools.screens --only NAME` retakes one page type.", "",
            "| page type | what | " + " | ".join(
                f"{_LANGUAGE_NAMES[lang]} ({lang})" for lang in LANGUAGES) + " |",
            "|---|---|" + "---|" * len(LANGUAGES)]
    rows = []
    for p in PAGES:
        cells = [" · ".join(f"[{size}]({file_name(p.name, lang, size)})" for size in SIZES)
                 for lang in LANGUAGES]
        signed = f" (signed in: {p.role})" if p.role else ""
        rows.append(f"| `{p.name}` | {p.what}{signed} | " + " | ".join(cells) + " |")
    return "\n".join(head + rows) + "\n"


def _shrink(png: Path) -> None:
    with Image.open(png) as shot:
        small = shot.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE)
    small.save(png, "PNG", optimize=True)


def _context(browser: Browser, hub: Hub, p: PageType, size: str) -> BrowserContext:
    width, height = SIZES[size]
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="ro-MD",
                              device_scale_factor=1)
    ctx.set_default_timeout(30_000)
    if p.role:
        sign_in(ctx.new_page(), f"{hub.url}/login", hub.token(p.institution, p.role))
    return ctx


def shoot(browser: Browser, hub: Hub, pages: list[PageType], out: Path) -> None:
    for p in pages:
        for size in SIZES:
            ctx = _context(browser, hub, p, size)
            try:
                tab = ctx.new_page()
                for lang in LANGUAGES:
                    tab.goto(p.url(hub.url, lang), wait_until="networkidle")
                    width = SIZES[size][0]
                    height = min(MAX_HEIGHT[size], tab.evaluate(
                        "document.documentElement.scrollHeight"))
                    target = out / file_name(p.name, lang, size)
                    tab.screenshot(path=str(target), full_page=True, animations="disabled",
                                   caret="hide",
                                   clip={"x": 0, "y": 0, "width": width, "height": height})
                    _shrink(target)
                    print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB",
                          flush=True)
            finally:
                ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", help="page types to retake, comma-separated (default: all)")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    wanted = set(args.only.split(",")) if args.only else {p.name for p in PAGES}
    unknown = wanted - {p.name for p in PAGES}
    if unknown:
        raise SystemExit(f"--only: no page type {', '.join(sorted(unknown))} "
                         f"(tests/pages/catalogue.py names {', '.join(p.name for p in PAGES)})")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="semcat-screens-") as tmp, \
            institutions_hub(Path(tmp), base_uri=BASE_URI) as hub, sync_playwright() as pw:
        prepare(hub)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            shoot(browser, hub, [p for p in PAGES if p.name in wanted], out)
        finally:
            browser.close()
    (out / "README.md").write_text(readme(), "utf-8")
    print(f"{out / 'README.md'}: {len(PAGES)} page types")


if __name__ == "__main__":
    main()
