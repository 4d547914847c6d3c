"""The HTTP/1.1 protocol `semcat serve` runs: the deadlines of :mod:`api.http_protocol` plus a
bound on the head of a request and problem documents for what it refuses before the app sees a
request.

httptools (llhttp) sets no limit on the request line and headers, and uvicorn none either: a
client could send one header of hundreds of megabytes and the server would hold it all
(measured: 200 MB of one header took the server from 230 to 520 MB). Here the bytes of a head
are counted as they arrive; past ``SEMCAT_MAX_REQUEST_HEAD_BYTES`` the answer is 431 and the
connection is closed, so a head costs at most that plus one read of the socket. A request
httptools cannot parse (a negative Content-Length, a bad request line) gets a 400 problem
document instead of uvicorn's plain text. After such an answer the hub stops writing, reads and
drops what the client still sends for up to :data:`LINGER_S` seconds, then closes (a client
still sending would otherwise get a reset instead of the answer). The limit rides in uvicorn's
``h11_max_incomplete_event_size`` (the same bound for its h11 protocol); the class is handed to
uvicorn by :func:`serving_protocol`, a picklable factory, so it works with several workers.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from api.http_protocol import DeadlineProtocol, Deadlines
from api.problems import problem
from catalog.messages import render

#: the bound when uvicorn's config names none (the default of SEMCAT_MAX_REQUEST_HEAD_BYTES)
DEFAULT_MAX_HEAD = 256 * 1024
#: seconds a refused connection is read (and what is read dropped) before it is closed
LINGER_S = 5.0
_REASONS = {400: b"Bad Request", 431: b"Request Header Fields Too Large"}


class ServingProtocol(DeadlineProtocol):
    """The deadlines' protocol with the head of each request bounded (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_head = self.config.h11_max_incomplete_event_size or DEFAULT_MAX_HEAD
        self.reading_head = True  # the next bytes belong to the head of a request
        self.head_bytes = 0
        self.refused = False

    def data_received(self, data: bytes) -> None:
        if self.refused:  # answered already: what the client still sends is dropped
            return
        super().data_received(data)
        if not self.reading_head or self.refused or self.transport.is_closing():
            return
        self.head_bytes += len(data)  # the head is still incomplete after these bytes
        if self.head_bytes > self.max_head:
            self.logger.warning("Request head over %d bytes refused.", self.max_head)
            self._refuse(431, "too_large", render("http.head_too_large", limit=self.max_head))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.reading_head, self.head_bytes = True, 0

    def on_headers_complete(self) -> None:
        self.reading_head, self.head_bytes = False, 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.reading_head = True

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "invalid_request", render("http.malformed", reason=msg.rstrip(".")))

    def _refuse(self, status: int, code: str, message: dict[str, str]) -> None:
        body = json.dumps(problem({"code": code, "message": message}, status)).encode()
        head = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status])]
        head += [name + b": " + value + b"\r\n"
                 for name, value in self.server_state.default_headers]
        head += [b"content-type: application/problem+json\r\n",
                 b"content-length: %d\r\n" % len(body), b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        self.refused, self.reading_head = True, False
        self.stop_deadlines()  # answered: no 408 may follow the refusal
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(LINGER_S, self.transport.close)
        else:
            self.transport.close()


def serving_protocol(deadlines: Deadlines) -> Callable[..., ServingProtocol]:
    """The protocol factory for uvicorn's ``http=`` (picklable for spawned workers)."""
    return functools.partial(ServingProtocol, deadlines=deadlines)


__all__ = ["DEFAULT_MAX_HEAD", "LINGER_S", "ServingProtocol", "serving_protocol"]
