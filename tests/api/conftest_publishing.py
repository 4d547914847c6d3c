"""Fixtures of the publishing-API tests: one running app per ledger back end.

Starting the app spawns the SPARQL query workers and loads the reference data (seconds each),
so the publishing tests share one app per back end (``hub``) and keep apart by using their own
service codes (each test module its own range: workflow 91xx, access 92xx, idempotency 93xx,
bulk 94xx, input 96xx); they compare the ledger and the store before and after, never absolute
counts. Tests that need other settings start their own app from ``ledger_settings``
(:func:`tests.api.publishing_helpers.fresh_hub`).

A test module loads these fixtures with ``pytest_plugins = ["tests.api.conftest_publishing"]``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from catalog.settings import Settings
from tests.api.publishing_helpers import Hub, Who, fresh_hub
from tests.servers import postgres_database

_KEEP_ENV = {"SEMCAT_REQUIRE_POSTGRES", "SEMCAT_TEST_POSTGRES_URL"}


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Hub]:
    """The app with the reference data, on each ledger back end in turn (shared)."""
    data_dir: Path = tmp_path_factory.mktemp("hub") / "data"
    with ExitStack() as stack:
        url = (stack.enter_context(postgres_database("semcat_p"))
               if request.param == "postgres" else None)
        with pytest.MonkeyPatch.context() as mp:  # the same hermetic environment as each test
            for key in list(os.environ):
                if key.startswith("SEMCAT_") and key not in _KEEP_ENV:
                    mp.delenv(key)
            # these tests send many bad tokens on purpose: the throttle is tested on its own
            settings = Settings(env="test", data_dir=data_dir, query_workers=1, database_url=url,
                                auth_failures_per_minute=100_000)
        yield stack.enter_context(fresh_hub(settings))


@pytest.fixture(scope="session")
def who(hub: Hub) -> Who:
    """Bearer headers of the usual callers (one token each, issued once per app)."""
    return Who(
        asp=hub.bearer("ASP"), asp_reviewer=hub.bearer("ASP", "reviewer"),
        cnas=hub.bearer("CNAS"), cnas_reviewer=hub.bearer("CNAS", "reviewer"),
        anofm=hub.bearer("ANOFM"), age=hub.bearer("AGE", "reviewer"),
        admin=hub.bearer("AGE", "admin"),
    )

