"""The small parts of the registry sources: secrets that never print, header identifiers,
Retry-After, Link headers and positions."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from adapters.sources.headers import XRoadHeader
from adapters.sources.http import retry_after, where
from adapters.sources.paging import decode, next_link
from adapters.sources.secrets import read_secret
from catalog.errors import ConfigurationError, InvalidInput


def test_a_secret_never_prints_itself() -> None:
    secret = read_secret("SEMCAT_UPL_TOKEN", {"SEMCAT_UPL_TOKEN": "tok-123"})
    assert secret.reveal() == "tok-123"
    assert "tok-123" not in f"{secret} {secret!r} {[secret]}"
    with pytest.raises(ConfigurationError) as err:
        read_secret("HOME", {"HOME": "/root"})
    assert err.value.message == "the secret's setting name 'HOME' must look like SEMCAT_NAME " \
                                "(capitals, digits, _)"
    with pytest.raises(ConfigurationError, match="SEMCAT_ABSENT that holds"):
        read_secret("SEMCAT_ABSENT", {})


def test_x_road_identifiers_are_checked() -> None:
    with pytest.raises(InvalidInput) as err:
        XRoadHeader(client="EE/GOV", service="EE/GOV/1/sub/svc", user_id="u").elements()
    assert err.value.message == "the X-Road client identifier 'EE/GOV' must be " \
                                "INSTANCE/CLASS/MEMBER[/SUBSYSTEM]"
    member = XRoadHeader(client="EE/GOV/1", service="EE/GOV/2/sub/svc", user_id="u")
    client = member.elements("m-1")[0]
    assert client.get("{http://x-road.eu/xsd/identifiers}objectType") == "MEMBER"
    assert [e.text for e in client] == ["EE", "GOV", "1"]
    assert member.rest_headers() == {"X-Road-Client": "EE/GOV/1", "X-Road-UserId": "u"}
    assert member.rest_path() == "/r1/EE/GOV/2/sub/svc"


def test_retry_after_as_seconds_or_date() -> None:
    now = datetime(2026, 12, 2, 6, 0, 0, tzinfo=UTC)
    assert retry_after(httpx.Headers({"Retry-After": "7"}), now) == 7.0
    assert retry_after(httpx.Headers({"Retry-After": "Wed, 02 Dec 2026 06:00:30 GMT"}),
                       now) == 30.0
    assert retry_after(httpx.Headers({"Retry-After": "soon"}), now) is None
    assert retry_after(httpx.Headers({}), now) is None


def test_link_headers_and_positions() -> None:
    header = '<https://r.example/p?page=1>; rel="prev", <https://r.example/p?page=3>; rel=next'
    assert next_link(header) == "https://r.example/p?page=3"
    assert next_link('<https://r.example/p?page=1>; rel="first"') is None
    assert decode('{"n":4}', "offset") == {"n": 4}
    for bad in ("4", '{"n":-1}', '{"n":"4"}', '{"cursor":"a","i":0}'):
        with pytest.raises(InvalidInput, match="resume position"):
            decode(bad, "page")


def test_addresses_are_shown_without_query_or_credentials() -> None:
    assert where("https://user:pw@r.example:8443/api/v1?token=abc#x") == \
        "https://r.example:8443/api/v1"
