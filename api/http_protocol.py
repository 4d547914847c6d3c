"""uvicorn's httptools protocol with deadlines for slow clients.

uvicorn bounds only the idle time between two requests on a kept-alive connection
(``timeout_keep_alive``); a client that opens a connection and sends nothing, sends half a
request line, or sends headers and then its body a byte a minute, holds a connection (and its
handler) for ever. :class:`DeadlineProtocol` adds, per connection:

- the header deadline: from the connection's opening (on a kept-alive connection, from the next
  request's first byte) until its headers are complete, ``Deadlines.header_s``. Past it the
  connection is closed, with a 408 problem document when part of a request came;
- the body rate: while a body is read it is checked every ``Deadlines.body_window_s``: a window
  with no byte, or with fewer than ``body_min_rate`` bytes a second, cuts it: 408 when no answer
  has started, else the connection is dropped. The handler's ``receive()`` then returns
  ``http.disconnect`` at once (Starlette raises ``ClientDisconnect``), so it is not left
  waiting. Windows in which the server itself does not read (the app has not taken what came,
  or an ``Expect: 100-continue`` not yet answered) do not count;
- the write deadline: an answer the client leaves unread for ``Deadlines.write_s`` (the send
  buffer stays full) drops the connection.

It is handed to uvicorn as ``http=deadline_protocol(deadlines)``, a picklable factory, so that
``SEMCAT_WORKERS`` > 1 (worker processes are spawned) works alike.
"""

from __future__ import annotations

import asyncio
import functools
import json
from asyncio import TimerHandle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from api.problems import MEDIA_TYPE, problem
from catalog.messages import render


@dataclass(frozen=True)
class Deadlines:
    """The time limits of one connection (see the module docstring)."""

    header_s: float = 10.0
    body_window_s: float = 10.0
    body_min_rate: int = 1024  # bytes a second, over each window
    write_s: float = 60.0

    @property
    def body_min_bytes(self) -> int:
        """What a body must bring in one window: at least one byte."""
        return max(1, int(self.body_min_rate * self.body_window_s))


def timeout_answer(message_id: str, default_headers: list[tuple[bytes, bytes]],
                   **params: Any) -> bytes:
    """The whole 408 answer (status line, headers, problem document), ``Connection: close``."""
    error = {"code": "request_timeout", "message": render(message_id, **params)}
    body = json.dumps(problem(error, 408), ensure_ascii=False).encode()
    head = [STATUS_LINE[408]]
    head += [name + b": " + value + b"\r\n" for name, value in default_headers]
    head += [b"content-type: " + MEDIA_TYPE.encode() + b"\r\n",
             b"content-length: " + str(len(body)).encode() + b"\r\n",
             b"connection: close\r\n", b"\r\n"]
    return b"".join(head) + body


def _cancel(timer: TimerHandle | None) -> None:
    if timer is not None:
        timer.cancel()


class DeadlineProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` with the header, body-rate and write deadlines."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None, *,
                 deadlines: Deadlines) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.deadlines = deadlines
        self._header_timer: TimerHandle | None = None
        self._body_timer: TimerHandle | None = None
        self._write_timer: TimerHandle | None = None
        self._request_begun = False  # a byte of the request now awaited has come
        self._body_bytes = 0  # bytes of the body in the current window

    # --- the connection -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header()

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop_deadlines()
        super().connection_lost(exc)

    def stop_deadlines(self) -> None:
        """No deadline fires any more on this connection (it is closing)."""
        for timer in (self._header_timer, self._body_timer, self._write_timer):
            _cancel(timer)
        self._header_timer = self._body_timer = self._write_timer = None

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.deadlines.write_s, self._write_stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        _cancel(self._write_timer)
        self._write_timer = None

    # --- the parser's callbacks -----------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._request_begun = True
        if self._header_timer is None:  # a kept-alive connection's next request
            self._arm_header()

    def on_headers_complete(self) -> None:
        _cancel(self._header_timer)
        self._header_timer = None
        self._request_begun = False
        super().on_headers_complete()
        self._body_bytes = 0
        self._arm_body()

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        _cancel(self._body_timer)
        self._body_timer = None
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._request_begun:  # the next request has begun: its header deadline runs, not
            self._unset_keepalive_if_required()  # the idle one (it would close it unanswered)

    # --- the deadlines --------------------------------------------------------------------
    def _arm_header(self) -> None:
        self._header_timer = self.loop.call_later(self.deadlines.header_s, self._header_late)

    def _arm_body(self) -> None:
        self._body_timer = self.loop.call_later(self.deadlines.body_window_s, self._body_window)

    def _header_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self._request_begun:  # half a request came: say why it is refused
            self.transport.write(timeout_answer(
                "http.header_timeout", self.server_state.default_headers,
                seconds=f"{self.deadlines.header_s:g}"))
        self.transport.close()

    def _body_window(self) -> None:
        self._body_timer = None
        cycle = self.cycle
        if cycle is None or self.transport.is_closing():
            return
        if (self._body_bytes >= self.deadlines.body_min_bytes or self.flow.read_paused
                or cycle.waiting_for_100_continue):
            self._body_bytes = 0  # enough came, or the server was not reading: a new window
            self._arm_body()
            return
        answered = cycle.response_started
        cycle.disconnected = True  # the handler's receive() answers http.disconnect, its
        cycle.message_event.set()  # send() writes nothing more
        if not answered:
            self.transport.write(timeout_answer(
                "http.body_timeout", self.server_state.default_headers,
                rate=self.deadlines.body_min_rate, seconds=f"{self.deadlines.body_window_s:g}"))
        self.transport.close()  # an unread buffer is then the write deadline's to drop

    def _write_stalled(self) -> None:
        self._write_timer = None
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self.transport.abort()  # close() would wait for the unread buffer to drain


def deadline_protocol(deadlines: Deadlines) -> Callable[..., DeadlineProtocol]:
    """The protocol factory for uvicorn's ``http=`` (picklable for spawned workers)."""
    return functools.partial(DeadlineProtocol, deadlines=deadlines)


__all__ = ["DeadlineProtocol", "Deadlines", "deadline_protocol", "timeout_answer"]
