"""Settings of the hub: every ``SEMCAT_*`` environment variable, with a default and a help text.

Build them with :func:`get_settings`; nothing here is instantiated at import time. The README's
configuration table is generated from :data:`Settings.model_fields` (``semcat settings --markdown``)
and a test fails when the two differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.errors import ConfigurationError

MiB = 1024 * 1024


class Settings(BaseSettings):
    """Configuration of one semcat process."""

    model_config = SettingsConfigDict(env_prefix="SEMCAT_", extra="ignore", frozen=True)

    env: Literal["development", "test", "production"] = Field(
        "development", description="Deployment environment; `production` refuses unsafe defaults."
    )
    data_dir: Path = Field(
        Path("var"), description="Folder for the SQLite ledger, the embedded store and snapshots."
    )
    database_url: str | None = Field(
        None,
        description="Ledger database URL (SQLAlchemy form). Default: SQLite file "
        "`<data_dir>/ledger.sqlite3`; PostgreSQL: `postgresql+psycopg://user@host/db`.",
    )
    store_path: Path | None = Field(
        None, description="Folder of the embedded Oxigraph store. Default: `<data_dir>/store`."
    )
    sparql_url: str | None = Field(
        None,
        description="Query URL of a remote SPARQL 1.1 server; when set, it replaces the "
        "embedded store (e.g. `http://127.0.0.1:7878/query`).",
    )
    sparql_update_url: str | None = Field(
        None, description="Update URL of the remote server. Default: `sparql_url` with `/update`."
    )
    gsp_url: str | None = Field(
        None, description="Graph Store Protocol URL of the remote server. Default: `/store`."
    )
    base_uri: str = Field(
        "http://127.0.0.1:8000/",
        description="Base of every resource IRI the hub mints and dereferences; ends with `/`.",
    )
    timezone: str = Field(
        "Europe/Chisinau",
        description="Time zone of the catalogue's dates (`?as_of=` a day means the end of that "
        "day here).",
    )
    host: str = Field("127.0.0.1", description="Address `semcat serve` listens on.")
    access_log: bool = Field(
        False, description="Log every HTTP request (uvicorn's access log). Off by default: it "
        "halves the rate of cached SPARQL answers; a reverse proxy usually logs requests.")
    port: int = Field(8000, description="Port `semcat serve` listens on.")
    workers: int = Field(
        1, ge=1, le=64,
        description="uvicorn worker processes for `semcat serve`; more than 1 needs a remote "
        "store (`SEMCAT_SPARQL_URL`), since the embedded store is one process's.")
    worker_start_timeout_s: int = Field(
        120, ge=5, le=3600,
        description="With several workers: how long a worker may take to start (open the "
        "ledger, build its indexes) and, once started, to answer the supervisor's check, before "
        "it is taken for dead and replaced (uvicorn's `timeout_worker_healthcheck`, 5 s by "
        "default, killed every worker of a hub starting on a busy machine).")
    http_header_timeout_s: float = Field(
        10.0, gt=0, le=300,
        description="Longest time from a connection's opening (on a kept-alive connection: from "
        "a request's first byte) until the request's headers are complete; past it the "
        "connection is closed, with 408 when part of a request came.")
    http_body_timeout_s: float = Field(
        10.0, gt=0, le=300,
        description="Window over which a request body's rate is measured: a body that brings "
        "no byte in a window, or fewer than `SEMCAT_HTTP_BODY_MIN_RATE` bytes a second over it, "
        "is cut (408 when no answer has started; the handler sees the client gone). Time "
        "the server itself is not reading (back-pressure, `Expect: 100-continue`) is not "
        "counted.")
    http_body_min_rate: int = Field(
        1024, ge=0,
        description="Slowest request body accepted, in bytes a second over each window of "
        "`SEMCAT_HTTP_BODY_TIMEOUT_S`; 0: any rate, as long as a byte comes in each window.")
    http_keepalive_timeout_s: int = Field(
        5, ge=1, le=300,
        description="How long a kept-alive connection may stay idle between two requests "
        "(uvicorn's `timeout_keep_alive`).")
    http_write_timeout_s: float = Field(
        60.0, gt=0, le=3600,
        description="Longest time a client may leave the answer unread (the server's send "
        "buffer full, nothing taken); past it the connection is dropped and the handler sees "
        "the client gone. A slow reader that keeps reading is not cut.")
    http_max_connections: int = Field(
        1024, ge=16, le=1_000_000,
        description="Open connections (or requests in progress) of one `semcat serve` process "
        "past which a request is answered 503 (uvicorn's `limit_concurrency`); the process's "
        "open-file limit is raised to fit them when the hard limit allows, else this is lowered "
        "to fit and a warning says so.")
    load_demo: bool = Field(
        False, description="Load the demo nomenclature from `vocabularies/demo/` at start: only "
        "the records that are missing (an edited or withdrawn demo record is never written "
        "over)."
    )
    validation_engine: Literal["pyshacl", "turbo"] = Field(
        "turbo",
        description="SHACL engine: `pyshacl` (reference) or `turbo` (pyshacl-turbo, Rust; "
        "default because it passes the W3C core tests and agrees with pyshacl on our data).",
    )
    query_timeout_s: float = Field(
        10.0, gt=0, le=300, description="Deadline of one SPARQL query, in seconds."
    )
    query_max_rows: int = Field(
        10_000, ge=1,
        description="Most result rows (solutions or triples) one query returns; a query whose "
        "answer is longer is refused with a 400 that says how to page (LIMIT, OFFSET).")
    query_max_result_bytes: int = Field(
        16 * MiB, ge=1024,
        description="Largest answer one query returns, in bytes; a larger one is refused like "
        "a longer one.")
    query_max_offset: int = Field(
        100_000, ge=0,
        description="Largest OFFSET a SPARQL query may use (400 past it): deeper pages are "
        "asked for with a FILTER on the ORDER BY key of the last row seen.")
    query_workers: int = Field(
        3, ge=1, le=32,
        description="Worker processes that run user SPARQL queries (for a remote store: queries "
        "sent to it at once).")
    query_worker_memory_mb: int = Field(
        1024, ge=64, le=1024 * 1024,
        description="Memory (MiB) one query worker may take for a query beyond what it holds at "
        "rest with the store open (~90 MB); past it the worker is killed and replaced and the "
        "query gets 503 `query_too_large` with `Retry-After` (Linux: `RLIMIT_DATA` in the "
        "worker, and a watchdog on its resident memory). On 100,000 services a lookup or a "
        "count takes under 40 MiB, sorting every title ~210 MiB.")
    query_worker_nice: int = Field(
        0, ge=0, le=19,
        description="How much lower the CPU priority (`nice`) of the query workers is than the "
        "server's: on a host of its own, 5-10 lets reads, writes and pages come first when "
        "heavy queries fill the cores; on a host busy with other work it starves user queries "
        "into 503 at their deadline (bench/README.md, mixed load), hence 0 by default.")
    query_max_per_client: int = Field(
        2, ge=1, le=256,
        description="Queries one client address may have running at once; more get 429 with "
        "`Retry-After` (answers from the cache do not count here; they do in the rate below).")
    sparql_rate_per_client: float = Field(
        100.0, gt=0,
        description="SPARQL answers one client address may get a second, cached ones "
        "included (a token bucket); more get 429 with `Retry-After`.")
    sparql_burst_per_client: int = Field(
        200, ge=1, description="How many SPARQL answers a client may get at once before its "
        "rate applies.")
    auth_failures_per_minute: int = Field(
        20, ge=1, description="Failed authentications one client address may make in a "
        "minute; past it every authentication from it gets 429 until the minute has passed.")
    session_ttl_s: int = Field(
        8 * 3600, ge=60, le=30 * 24 * 3600,
        description="How long a browser session opened on `/login` (an API token exchanged for "
        "a cookie) lasts, in seconds; logging out or revoking the token ends it sooner.")
    trusted_proxies: str = Field(
        "", description="Addresses of reverse proxies whose `X-Forwarded-For` names the "
        "client (comma-separated, uvicorn's `forwarded_allow_ips`); empty: the peer's address "
        "is the client's, whatever the headers say.")
    query_cache_entries: int = Field(
        4096, ge=0,
        description="Complete SPARQL answers kept in memory, keyed by store watermark, query, "
        "dataset and format; 0 turns the cache off.")
    query_cache_bytes: int = Field(
        64 * MiB, ge=0, description="Memory for the cached SPARQL answers, in bytes.")
    read_cache_bytes: int = Field(
        64 * MiB, ge=0,
        description="Memory for the answers of published reads kept until the next change "
        "(a record's published version in each format, asked for without a token; the page of "
        "an IRI in each format and language; a page of search results), in bytes; 0 turns "
        "the cache off.")
    sparql_remote_union: bool = Field(
        False,
        description="The remote SPARQL server already makes its default graph the union of its "
        "named graphs (`oxigraph serve --union-default-graph`, Fuseki `tdb2:unionDefaultGraph`): "
        "queries are then sent as they are, faster for large catalogs, but they see the "
        "projection's watermark triple. Off: the hub sends the record graphs as the dataset.")
    max_query_bytes: int = Field(64 * 1024, ge=1024, description="Largest SPARQL query text.")
    max_nesting: int = Field(
        64, ge=4, le=256, description="Deepest nesting of brackets, braces or JSON accepted."
    )
    max_request_head_bytes: int = Field(
        256 * 1024, ge=16 * 1024, description="Largest request line and headers together, in "
        "bytes (`semcat serve`); a larger head is answered 431 and the connection closed. The "
        "default leaves room for a GET of the largest SPARQL query, percent-encoded.")
    max_record_bytes: int = Field(2 * MiB, ge=1024, description="Largest body for one record.")
    max_bulk_bytes: int = Field(50 * MiB, ge=1024, description="Largest bulk import file.")
    max_literal_bytes: int = Field(
        64 * 1024, ge=256,
        description="Longest literal (a title, a description, any text or value) one record "
        "may hold, in UTF-8 bytes; a longer one is refused with 400 naming its property.")
    max_record_triples: int = Field(
        10_000, ge=100,
        description="Most triples one record may hold (the largest shipped record, the "
        "life-event code list, has 281); a larger record is refused with 413.")
    max_bulk_records: int = Field(
        200_000, ge=1,
        description="Most records one import file may hold; past it the import is refused with "
        "413 before anything is written.")
    dump_max_per_client: int = Field(
        2, ge=1, le=1000,
        description="Dumps (`/api/v1/dump`) one client address may have running at once; more "
        "get 429. A dump is spooled under the data folder, so a slow client holds no ledger "
        "connection.")
    dump_max_total: int = Field(
        16, ge=1, le=10_000, description="Dumps all clients together may have running at once.")
    projector_interval_s: float = Field(
        0.5, gt=0, description="How often the server looks for ledger changes to project."
    )
    store_update_max_s: float = Field(
        60.0, ge=0, le=3600,
        description="Longest time an update may still run on the remote SPARQL server after "
        "the process that sent it died (`oxigraph serve` sets no limit on updates). The process "
        "that takes the store over verifies the graphs the dead one had in flight against the "
        "ledger and rewrites those that differ, the last time once this has passed; `/health` "
        "says `degraded` until then.")
    soap_max_request_bytes: int = Field(
        64 * 1024, ge=1024, le=16 * MiB,
        description="Largest request the SOAP service (`/soap/nomenclature`) reads; a larger "
        "one is answered with a SOAP Fault before it is parsed.")
    notify_interval_s: float = Field(
        1.0, gt=0, le=3600,
        description="How often the notifier looks for changes to send to subscribers.")
    notify_timeout_s: float = Field(
        10.0, gt=0, le=120,
        description="Longest time one delivery to a subscriber may take, connection included; "
        "a slower one counts as failed and is retried.")
    notify_max_backoff_s: float = Field(
        3600.0, ge=1, description="Longest wait between two attempts to deliver to a "
        "subscriber that keeps failing (the wait doubles from 1 s after each failure).")
    notify_allow_private: bool = Field(
        False, description="Allow subscriber URLs on loopback, private, link-local and other "
        "non-public addresses (tests, closed networks); off, they are refused.")

    harvest_timeout_s: float = Field(
        60.0, gt=0, le=3600,
        description="Longest time the download of a catalogue to harvest (an RDF source's "
        "`url`) may take, first byte to last; a slower one stops the run.")
    harvest_allow_private: bool = Field(
        False, description="Allow RDF harvest URLs on loopback, private, link-local and other "
        "non-public addresses (tests, closed networks); off, they are refused before any "
        "connection.")

    adapters_dir: Path = Field(
        Path("adapters/examples"), description="Folder of the adapter mappings (`*.yaml`) run "
        "by name (`semcat adapter run NAME`, `/api/v1/adapters`)."
    )
    adapters_schedule: bool = Field(
        False, description="Run the adapters whose mapping has a `schedule` from this process "
        "(one process at a time runs an adapter, whatever the number of hub processes)."
    )

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if not self.base_uri.endswith("/"):
            raise ConfigurationError.of("settings.base_uri_slash", field="SEMCAT_BASE_URI",
                                        value=self.base_uri)
        if self.workers > 1 and not self.sparql_url:
            raise ConfigurationError.of("settings.workers_need_remote", field="SEMCAT_WORKERS",
                                        value=self.workers)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigurationError.of("settings.timezone", field="SEMCAT_TIMEZONE",
                                        value=self.timezone,
                                        expected="e.g. Europe/Chisinau") from exc
        if self.env == "production" and self.base_uri.startswith("http://127."):
            raise ConfigurationError.of("settings.public_base_uri", field="SEMCAT_BASE_URI",
                                        value=self.base_uri)
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'ledger.sqlite3'}"

    @property
    def resolved_store_path(self) -> Path:
        return self.store_path or self.data_dir / "store"

    @property
    def resolved_update_url(self) -> str | None:
        if self.sparql_update_url or not self.sparql_url:
            return self.sparql_update_url
        return self.sparql_url.rsplit("/", 1)[0] + "/update"

    @property
    def resolved_gsp_url(self) -> str | None:
        if self.gsp_url or not self.sparql_url:
            return self.gsp_url
        return self.sparql_url.rsplit("/", 1)[0] + "/store"


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (used by tests and the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]


def settings_markdown() -> str:
    """The README's configuration table, generated from the fields above."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "" if default is None else f"`{default}`"
        lines.append(f"| `SEMCAT_{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(lines)
