"""``asyncio.run`` for tests, in a thread of its own: after a page-test module in the same xdist
worker, the session's Playwright keeps an event loop running on the main thread, where
``asyncio.run()`` refuses to start."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T], timeout_s: float = 60) -> T:
    """The result of ``coroutine`` run to its end by ``asyncio.run`` in a new thread (its
    exception, raised here)."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="asyncio-run-apart")
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise TimeoutError(f"the coroutine did not end within {timeout_s:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


__all__ = ["run_apart"]
