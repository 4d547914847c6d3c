"""What the portal's pages compute from the whole catalogue (the counts per event and
authority, the places with their services), kept until the catalogue changes.

An answer is keyed by the store's watermark, which moves with every change applied to the
store: a page asked again before the next change is answered from memory. Each catalogue keeps
its own answers (at most ``KEEP`` of them, the oldest dropped first).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from catalog.core import Catalog

T = TypeVar("T")
#: answers kept per catalogue (the home page's per language, the places, pages of lists)
KEEP = 256

_lock = threading.Lock()
_kept: weakref.WeakKeyDictionary[Catalog, OrderedDict[tuple[Any, ...], Any]] = \
    weakref.WeakKeyDictionary()


def remembered(catalog: Catalog, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` for ``key``, or its answer kept since the store last changed."""
    assert catalog.store is not None  # the pages serve a catalogue with its store
    full = (catalog.store.watermark(), key)
    with _lock:
        kept = _kept.setdefault(catalog, OrderedDict())
        if full in kept:
            kept.move_to_end(full)
            return kept[full]  # type: ignore[no-any-return]
    value = compute()  # outside the lock: two requests may compute it once each, no harm
    with _lock:
        kept[full] = value
        while len(kept) > KEEP:
            kept.popitem(last=False)
    return value
