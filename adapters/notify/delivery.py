"""One delivery of one event to one subscriber, signed and bounded in time.

The body is the CloudEvent (structured mode); the headers are those of Standard Webhooks
(``webhook-id``: the event id, ``webhook-timestamp``, ``webhook-signature``: ``v1,`` and the
base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` under the subscription's secret), so a
receiver verifies with any Standard Webhooks library. The request goes to the address checked
by :mod:`adapters.notify.guard` (the host name in ``Host`` and SNI), follows no redirect, reads
at most a few bytes of the answer, and is cut at the deadline whatever the server does. Only
a 2xx answer counts as delivered. The outcome names the status or the kind of failure, never
the answer's body, the URL's query or the secret.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from adapters.notify.guard import Target, resolve
from catalog.errors import InvalidInput

USER_AGENT = "semcat-notifier/1"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str  # "HTTP 204", "timeout after 10 s", "refused: ..."


def signed_headers(secret: str, event_id: str, body: bytes, when: datetime | None = None
                   ) -> dict[str, str]:
    """The Standard Webhooks headers of ``body``."""
    when = when or datetime.now(UTC)
    signature = Webhook(secret).sign(event_id, when, body.decode("utf-8"))
    return {"webhook-id": event_id, "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": signature}


def _pinned(target: Target) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The URL with the checked address for host, the Host header and the SNI name."""
    url = httpx.URL(target.url)
    return url.copy_with(host=target.address), {"Host": url.netloc.decode("ascii")}, \
        {"sni_hostname": target.host}


async def _send(target: Target, headers: dict[str, str], body: bytes, timeout_s: float
                ) -> Outcome:
    url, host, extensions = _pinned(target)
    limits = httpx.Timeout(timeout_s)
    async with httpx.AsyncClient(timeout=limits, follow_redirects=False, trust_env=False) \
            as client:
        request = client.build_request("POST", url, content=body,
                                       headers={**headers, **host},
                                       extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            async for _ in response.aiter_raw(1024):  # an acknowledgement, not a download
                break
        finally:
            await response.aclose()
    ok = 200 <= response.status_code < 300
    return Outcome(ok, f"HTTP {response.status_code}")


async def deliver(url: str, secret: str, event_id: str, body: bytes, *, timeout_s: float,
                  allow_private: bool, media_type: str, resolver: Executor | None = None
                  ) -> Outcome:
    """POST ``body`` to ``url``, signed; the outcome within ``timeout_s`` seconds. The name is
    resolved in ``resolver`` (a pool that outlives the call: a lookup that hangs is left
    behind, not waited for)."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout_s):
            target = await loop.run_in_executor(
                resolver, lambda: resolve(url, allow_private=allow_private))
            headers = {"Content-Type": media_type, "User-Agent": USER_AGENT,
                       **signed_headers(secret, event_id, body)}
            return await _send(target, headers, body, timeout_s)
    except TimeoutError:
        return Outcome(False, f"timeout after {timeout_s:g} s")
    except InvalidInput as exc:
        return Outcome(False, f"refused: {exc.message}")
    except httpx.HTTPError as exc:
        return Outcome(False, f"{type(exc).__name__}")
    except OSError as exc:
        return Outcome(False, f"{type(exc).__name__}")
