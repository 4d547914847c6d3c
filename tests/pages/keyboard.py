"""What a person using only the keyboard meets on a page: the controls Tab should reach, in the
order of the document, and where the focus is after each key press (with whether it is on
screen and drawn with an outline)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page

# The elements Tab stops at, in the document's order (a positive tabindex would break that
# order, so it is reported rather than followed). Each gets an expando `__tabStop` (its place
# in the list) so that the focused element can be told after a key press. Radio buttons: only
# the checked one (or the first) of a group is a stop.
_STOPS = """() => {
  const sel = 'a[href], area[href], button, input, select, textarea, iframe, summary, '
    + '[tabindex], [contenteditable=""], [contenteditable="true"]';
  const seen = new Set();
  const stops = [...document.querySelectorAll(sel)].filter(el => {
    if (el.disabled || el.type === 'hidden') return false;
    // an editing host (the SPARQL editor's text) is a stop though its tabIndex reads -1
    if (el.tabIndex < 0 && (el.hasAttribute('tabindex') || !el.isContentEditable)) return false;
    if (el.closest('[inert]') || !el.getClientRects().length) return false;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    if (el.type === 'radio' && el.name) {
      const group = document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`);
      const chosen = [...group].find(r => r.checked) || group[0];
      if (el !== chosen || seen.has(el.name)) return false;
      seen.add(el.name);
    }
    return true;
  });
  const main = document.querySelector('main');
  stops.forEach((el, i) => { el.__tabStop = i; });
  return stops.map(el => ({
    name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + (el.textContent
      || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40) + '"',
    tabindex: el.tabIndex,
    skip: el.matches('a.skip[href="#main"]'),
    in_main: !!main && (main.contains(el)
      || !!(main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)),
  }));
}"""

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const r = el.getBoundingClientRect();
  // an editing host (the SPARQL editor's text) is outlined by its editor's frame
  const drawn = e => getComputedStyle(e).outlineStyle !== 'none'
    && parseFloat(getComputedStyle(e).outlineWidth) >= 2;
  let ring = el;
  if (el.isContentEditable) {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      if (drawn(up)) { ring = up; break; }
    }
  }
  const s = getComputedStyle(ring);
  return {
    stop: el.__tabStop === undefined ? -1 : el.__tabStop,
    name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''),
    on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < innerHeight && r.left < innerWidth,
    outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    outline_color: s.outlineColor,
    background: getComputedStyle(document.body).backgroundColor,
  };
}"""


@dataclass(frozen=True)
class Stop:
    name: str
    tabindex: int
    skip: bool
    in_main: bool


@dataclass(frozen=True)
class Focus:
    stop: int  # the place in the list of stops; -1: an element that is not a stop
    name: str
    on_screen: bool
    outlined: bool
    outline_color: str
    background: str

    def outline_contrast(self) -> float:
        """The contrast ratio of the outline against the page's background (WCAG 2.x)."""
        return contrast(self.outline_color, self.background)


def _luminance(css: str) -> float:
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    r, g, b = values[:3]
    alpha = values[3] if len(values) > 3 else 1.0
    if alpha == 0:  # transparent: the page shows white through it
        r = g = b = 255.0

    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two CSS colours given as ``rgb(...)``/``rgba(...)``."""
    hi, lo = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def stops(page: Page) -> list[Stop]:
    """The elements Tab should reach on ``page``, in the document's order."""
    return [Stop(**s) for s in page.evaluate(_STOPS)]


def focused(page: Page) -> Focus | None:
    """Where the focus is (None: on the page itself, or out of it)."""
    got = page.evaluate(_FOCUSED)
    return Focus(**got) if got else None


def tab_through(page: Page, presses: int) -> list[Focus | None]:
    """Where the focus is after each of ``presses`` presses of Tab."""
    out = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        out.append(focused(page))
    return out
