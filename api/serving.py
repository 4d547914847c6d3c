"""How `semcat serve` runs uvicorn: the protocol with deadlines and a bounded request head, the
connection bound, and an open-file limit that fits it."""

from __future__ import annotations

import logging
import resource
from typing import Any

from api.http_head import serving_protocol
from api.http_protocol import Deadlines
from catalog.settings import Settings

log = logging.getLogger("api.serving")

#: Files a process keeps open besides its connections: the ledger, the store's files, query
#: workers' pipes, spooled dumps, logs.
RESERVED_FILES = 256


def fit_open_files(connections: int) -> int:
    """Raise this process's soft open-file limit to hold ``connections`` plus
    :data:`RESERVED_FILES` when the hard limit allows; the connections that fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + RESERVED_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return connections
    fitted = max(16, soft - RESERVED_FILES)
    log.warning("open-file limit %d: SEMCAT_HTTP_MAX_CONNECTIONS lowered from %d to %d",
                soft, connections, fitted)
    return fitted


def deadlines(settings: Settings) -> Deadlines:
    return Deadlines(header_s=settings.http_header_timeout_s,
                     body_window_s=settings.http_body_timeout_s,
                     body_min_rate=settings.http_body_min_rate,
                     write_s=settings.http_write_timeout_s)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` common to one process and several workers."""
    return {"http": serving_protocol(deadlines(settings)),
            # the bound on a request's head (api/http_head.py reads it from uvicorn's config)
            "h11_max_incomplete_event_size": settings.max_request_head_bytes,
            "timeout_keep_alive": settings.http_keepalive_timeout_s,
            "limit_concurrency": fit_open_files(settings.http_max_connections),
            "log_level": "info", "access_log": settings.access_log,
            # the client's address is the peer's, unless a trusted proxy passes it on
            "proxy_headers": bool(settings.trusted_proxies),
            "forwarded_allow_ips": settings.trusted_proxies or ""}


__all__ = ["RESERVED_FILES", "deadlines", "fit_open_files", "uvicorn_options"]
